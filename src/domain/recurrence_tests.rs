use super::*;

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn dates(rule: &str, start: &str) -> Vec<String> {
    let window = date("2026-01-01")..=date("2027-12-31");
    Rule::parse(rule)
        .unwrap()
        .dates(date(start), &window, &mut Budget::new(1_000_000))
        .unwrap()
        .iter()
        .map(|d| d.to_string())
        .collect()
}

#[test]
fn yearly_holidays_on_a_date_or_a_weekday_of_a_month() {
    assert_eq!(
        dates("FREQ=YEARLY", "2015-12-25"),
        ["2026-12-25", "2027-12-25"]
    );
    // Thanksgiving (fourth Thursday of November), Memorial Day (last Monday of May).
    assert_eq!(
        dates("FREQ=YEARLY;BYMONTH=11;BYDAY=4TH", "2020-11-26"),
        ["2026-11-26", "2027-11-25"]
    );
    assert_eq!(
        dates("FREQ=YEARLY;BYMONTH=5;BYDAY=-1MO", "2020-05-25"),
        ["2026-05-25", "2027-05-31"]
    );
    // 29 February has no day in 2026 or 2027.
    assert!(dates("FREQ=YEARLY", "2024-02-29").is_empty());
    assert_eq!(
        dates("FREQ=YEARLY;INTERVAL=2", "2024-07-01"),
        ["2026-07-01"]
    );
}

#[test]
fn count_and_until_end_the_series_and_the_start_counts_first() {
    assert_eq!(
        dates("FREQ=YEARLY;COUNT=3", "2025-01-01"),
        ["2026-01-01", "2027-01-01"]
    );
    assert_eq!(dates("FREQ=YEARLY;COUNT=2", "2025-01-01"), ["2026-01-01"]);
    assert!(dates("FREQ=YEARLY;COUNT=1", "2025-01-01").is_empty());
    assert_eq!(
        dates("FREQ=YEARLY;UNTIL=20261231T235959Z", "2020-05-01"),
        ["2026-05-01"]
    );
}

#[test]
fn monthly_weekly_and_daily_rules() {
    let last = dates("FREQ=MONTHLY;BYMONTHDAY=-1", "2025-01-31");
    assert_eq!(last.len(), 24);
    assert!(last.contains(&"2027-02-28".to_string()));
    assert!(last.contains(&"2026-04-30".to_string()));
    // Friday the 13th: both parts must hold.
    assert_eq!(
        dates("FREQ=MONTHLY;BYDAY=FR;BYMONTHDAY=13", "2026-02-13"),
        ["2026-02-13", "2026-03-13", "2026-11-13", "2027-08-13"]
    );
    assert_eq!(
        dates("FREQ=MONTHLY;BYDAY=1MO;BYMONTH=1,9", "2026-01-05"),
        ["2026-01-05", "2026-09-07", "2027-01-04", "2027-09-06"]
    );
    let weekends = dates("FREQ=WEEKLY;BYDAY=SA,SU;COUNT=4", "2026-01-03");
    assert_eq!(
        weekends,
        ["2026-01-03", "2026-01-04", "2026-01-10", "2026-01-11"]
    );
    assert_eq!(
        dates("FREQ=DAILY;COUNT=3", "2026-12-24"),
        ["2026-12-24", "2026-12-25", "2026-12-26"]
    );
}

#[test]
fn rules_holiday_calendars_do_not_use_are_refused_in_a_sentence() {
    for (rule, says) in [
        ("BYMONTH=1", "without FREQ"),
        ("FREQ=HOURLY", "HOURLY"),
        ("FREQ=YEARLY;BYSETPOS=1", "BYSETPOS"),
        ("FREQ=WEEKLY;BYDAY=2MO", "ordinals"),
        ("FREQ=YEARLY;BYDAY=MO", "needs BYMONTH"),
        ("FREQ=YEARLY;BYMONTH=13", "BYMONTH"),
        ("FREQ=YEARLY;INTERVAL=0", "INTERVAL"),
        ("FREQ=YEARLY;BYDAY=XX;BYMONTH=1", "BYDAY"),
        ("FREQ=YEARLY;BYMONTH=1;BYDAY=1MÖ", "BYDAY"),
        ("FREQ=YEARLY;BYMONTH=1;BYDAY=-2147483648MO", "BYDAY"),
        ("FREQ=MONTHLY;BYDAY=-1FR;BYMONTHDAY=13", "not supported"),
        ("FREQ=WEEKLY;BYMONTHDAY=13", "weekly"),
        ("FREQ", "KEY=VALUE"),
    ] {
        let err = Rule::parse(rule).unwrap_err();
        assert!(err.contains(says), "{rule}: {err}");
    }
}

#[test]
fn weeks_start_on_the_rules_own_day_and_yearly_month_days_cover_every_month() {
    // RFC 5545's example: every other week on Tuesday and Sunday, weeks from Monday or Sunday.
    let in_1997 = date("1997-01-01")..=date("1997-12-31");
    let weeks = |rule: &str| -> Vec<String> {
        Rule::parse(rule)
            .unwrap()
            .dates(date("1997-08-05"), &in_1997, &mut Budget::new(1_000_000))
            .unwrap()
            .iter()
            .map(|d| d.to_string())
            .collect()
    };
    assert_eq!(
        weeks("FREQ=WEEKLY;INTERVAL=2;COUNT=4;BYDAY=TU,SU;WKST=MO"),
        ["1997-08-05", "1997-08-10", "1997-08-19", "1997-08-24"]
    );
    assert_eq!(
        weeks("FREQ=WEEKLY;INTERVAL=2;COUNT=4;BYDAY=TU,SU;WKST=SU"),
        ["1997-08-05", "1997-08-17", "1997-08-19", "1997-08-31"]
    );
    assert_eq!(
        dates("FREQ=YEARLY;BYMONTHDAY=13;BYDAY=FR", "2026-02-13"),
        ["2026-02-13", "2026-03-13", "2026-11-13", "2027-08-13"]
    );
}

#[test]
fn huge_intervals_and_lists_are_refused_and_far_dates_end_the_walk() {
    let err = Rule::parse("FREQ=WEEKLY;INTERVAL=13572255").unwrap_err();
    assert!(err.contains("INTERVAL"), "{err}");
    let days: Vec<String> = (1..=65).map(|d| (d % 28 + 1).to_string()).collect();
    let err = Rule::parse(&format!("FREQ=MONTHLY;BYMONTHDAY={}", days.join(","))).unwrap_err();
    assert!(err.contains("more than 64"), "{err}");
    // Near the end of the calendar the walk stops instead of overflowing.
    let end = NaiveDate::MAX;
    for rule in [
        "FREQ=WEEKLY;INTERVAL=1000;BYDAY=SU",
        "FREQ=MONTHLY;INTERVAL=1000",
        "FREQ=YEARLY;INTERVAL=1000",
    ] {
        let far = Rule::parse(rule)
            .unwrap()
            .dates(
                end - Duration::days(3),
                &(end - Duration::days(10)..=end),
                &mut Budget::new(1_000_000),
            )
            .unwrap();
        assert!(far.len() <= 2, "{rule}: {far:?}");
    }
    // A daily rule from 1970 still reaches this year.
    assert_eq!(
        dates("FREQ=DAILY;BYMONTH=12;BYMONTHDAY=25", "1970-12-25"),
        ["2026-12-25", "2027-12-25"]
    );
}

#[test]
fn rules_from_long_ago_skip_to_the_window_and_counted_ones_stay_within_the_budget() {
    // Without COUNT the walk starts near the window, however old the first day.
    let window = date("2026-01-01")..=date("2027-12-31");
    let mut budget = Budget::new(5_000);
    let days = Rule::parse("FREQ=DAILY;BYMONTH=12;BYMONTHDAY=25")
        .unwrap()
        .dates(date("0000-12-25"), &window, &mut budget)
        .unwrap();
    assert_eq!(days, [date("2026-12-25"), date("2027-12-25")]);
    // With COUNT every occurrence from the first is counted, and the budget ends the walk.
    let err = Rule::parse("FREQ=DAILY;COUNT=4000000000")
        .unwrap()
        .dates(date("0000-01-01"), &window, &mut Budget::new(100_000))
        .unwrap_err();
    assert!(err.contains("paste the dates"), "{err}");
}

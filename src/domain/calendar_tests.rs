use super::*;
use crate::domain::sla::{BusinessHours, SlaPolicy};
use chrono_tz::America::New_York;
use chrono_tz::Europe::Berlin;

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .unwrap()
        .with_timezone(&Utc)
}

fn date(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

/// Recurring holidays are expanded over 2026 and 2027.
fn window() -> RangeInclusive<NaiveDate> {
    recurring_window(date("2026-06-15"))
}

const FOUR_HOURS: SlaPolicy = SlaPolicy {
    first_response_minutes: 240,
    resolution_minutes: 960,
    next_response_minutes: 120,
    around_clock: false,
};

fn every_day(start_minute: u32, end_minute: u32) -> BusinessHours {
    BusinessHours {
        days: [true; 7],
        start_minute,
        end_minute,
        ..BusinessHours::default()
    }
}

#[test]
fn berlin_hours_move_with_summer_time() {
    // Friday 2026-03-27 16:00 CET (15:00 UTC): one hour that day; summer time starts on Sunday,
    // so Monday opens at 09:00 CEST = 07:00 UTC and the other three hours end at 10:00 UTC.
    let hours = BusinessHours {
        time_zone: "Europe/Berlin".into(),
        ..BusinessHours::default()
    };
    let berlin = Calendar::in_zone(&hours, &Berlin);
    let (first, resolution) = FOUR_HOURS.due(at("2026-03-27T15:00:00Z"), &berlin);
    assert_eq!(first, at("2026-03-30T10:00:00Z"));
    // 16 hours: 1 Friday, 8 Monday, 7 Tuesday until 16:00 CEST.
    assert_eq!(resolution, at("2026-03-31T14:00:00Z"));
    // A fixed +01:00 offset would be an hour late all summer.
    let fixed = BusinessHours {
        utc_offset_minutes: 60,
        ..BusinessHours::default()
    };
    let (late, _) = FOUR_HOURS.due(at("2026-03-27T15:00:00Z"), &Calendar::fixed(&fixed));
    assert_eq!(late, at("2026-03-30T11:00:00Z"));
    // And back to winter time in October: Monday 2026-10-26 opens at 08:00 UTC.
    let (first, _) = FOUR_HOURS.due(at("2026-10-23T14:00:00Z"), &berlin);
    assert_eq!(first, at("2026-10-26T11:00:00Z"));
}

#[test]
fn new_york_days_are_23_and_25_hours_long_when_the_clocks_change() {
    let hours = every_day(0, 24 * 60);
    let ny = Calendar::in_zone(&hours, &New_York);
    // 2026-03-08: clocks jump from 02:00 to 03:00 EST→EDT.
    let spring = ny.minutes_between(at("2026-03-08T05:00:00Z"), at("2026-03-09T04:00:00Z"));
    assert_eq!(spring, 23 * 60);
    // 2026-11-01: clocks fall back from 02:00 EDT to 01:00 EST.
    let autumn = ny.minutes_between(at("2026-11-01T04:00:00Z"), at("2026-11-02T05:00:00Z"));
    assert_eq!(autumn, 25 * 60);
    // A window holding the skipped hour is an hour shorter: 01:00 EST to 04:00 EDT.
    let night = every_day(60, 4 * 60);
    let ny = Calendar::in_zone(&night, &New_York);
    assert_eq!(
        ny.minutes_between(at("2026-03-08T00:00:00Z"), at("2026-03-09T00:00:00Z")),
        120
    );
    assert_eq!(
        ny.add(at("2026-03-08T05:00:00Z"), 90),
        at("2026-03-08T07:30:00Z")
    );
}

#[test]
fn skipped_and_repeated_local_times_read_as_the_first_instant() {
    // 02:30 does not exist in Berlin on 2026-03-29: the window opens when the clocks say 03:00.
    assert_eq!(
        Berlin.instant(date("2026-03-29"), 150),
        at("2026-03-29T01:00:00Z")
    );
    // 01:30 happens twice in New York on 2026-11-01: the first time, still on summer time.
    assert_eq!(
        New_York.instant(date("2026-11-01"), 90),
        at("2026-11-01T05:30:00Z")
    );
    assert_eq!(
        Berlin.date_of(at("2026-03-28T23:30:00Z")),
        date("2026-03-29")
    );
}

#[test]
fn holidays_have_no_business_hours() {
    // Wednesday 2026-12-23 16:00 CET: one hour; Thursday and Friday are holidays, then the
    // weekend; Monday 2026-12-28 opens at 08:00 UTC and the other three hours end at 11:00.
    let hours = BusinessHours {
        time_zone: "Europe/Berlin".into(),
        holidays: [date("2026-12-24"), date("2026-12-25")].into(),
        ..BusinessHours::default()
    };
    let berlin = Calendar::in_zone(&hours, &Berlin);
    let (first, _) = FOUR_HOURS.due(at("2026-12-23T15:00:00Z"), &berlin);
    assert_eq!(first, at("2026-12-28T11:00:00Z"));
    assert_eq!(
        FOUR_HOURS.first_response_used(
            at("2026-12-23T15:00:00Z"),
            at("2026-12-28T09:00:00Z"),
            &berlin
        ),
        50
    );
    // Around the clock, holidays and nights count.
    let urgent = SlaPolicy {
        around_clock: true,
        ..FOUR_HOURS
    };
    let (first, _) = urgent.due(at("2026-12-23T15:00:00Z"), &berlin);
    assert_eq!(first, at("2026-12-23T19:00:00Z"));
}

#[test]
fn add_and_minutes_between_agree_across_a_clock_change() {
    let hours = BusinessHours {
        time_zone: "Europe/Berlin".into(),
        holidays: [date("2026-03-30")].into(),
        ..BusinessHours::default()
    };
    let berlin = Calendar::in_zone(&hours, &Berlin);
    let start = at("2026-03-26T13:17:00Z");
    for minutes in [1, 59, 230, 480, 481, 2000, 9000] {
        let due = berlin.add(start, minutes);
        assert_eq!(
            berlin.minutes_between(start, due),
            minutes,
            "{minutes} minutes"
        );
    }
}

#[test]
fn usage_far_past_the_target_is_counted_up_to_a_hundred_times_it() {
    let hours = BusinessHours::default();
    let calendar = Calendar::fixed(&hours);
    let used = FOUR_HOURS.first_response_used(
        at("2016-01-04T09:00:00Z"),
        at("2026-01-05T09:00:00Z"),
        &calendar,
    );
    assert_eq!(used, 10_000);
}

#[test]
fn holidays_are_read_from_csv_or_icalendar() {
    let csv = "date,name\n2026-12-24,Christmas Eve\n\n\"2026-12-25\",Christmas Day\n";
    assert_eq!(
        parse_holidays(csv, &window()).unwrap(),
        [date("2026-12-24"), date("2026-12-25")].into()
    );
    assert_eq!(
        parse_holidays("2026-01-01\n2026-05-01", &window())
            .unwrap()
            .len(),
        2
    );
    let ics = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nSUMMARY:Christmas\r\n\
        DTSTART;VALUE=DATE:20261224\r\nDTEND;VALUE=DATE:20261227\r\nEND:VEVENT\r\n\
        BEGIN:VEVENT\r\nDTSTART:20270101T000000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
    assert_eq!(
        parse_holidays(ics, &window()).unwrap(),
        [
            date("2026-12-24"),
            date("2026-12-25"),
            date("2026-12-26"),
            date("2027-01-01")
        ]
        .into()
    );
    let bad = parse_holidays("date\n2026-12-24\n24.12.2026\n", &window()).unwrap_err();
    assert!(bad.contains("line 3"), "{bad}");
    let bad = parse_holidays("BEGIN:VCALENDAR\nBEGIN:VEVENT\nEND:VEVENT\n", &window()).unwrap_err();
    assert!(bad.contains("DTSTART"), "{bad}");
}

#[test]
fn recurring_holidays_expand_over_this_year_and_the_next_less_their_exceptions() {
    // As calendar programs write them: folded lines (even inside a value), a yearly rule on the
    // fourth Thursday, a two-day event, a year left out.
    let ics = [
        "BEGIN:VCALENDAR",
        // A time zone's rules are not holidays (nor read: BYSETPOS is refused in events).
        "BEGIN:VTIMEZONE",
        "BEGIN:DAYLIGHT",
        "DTSTART:19700329T020000",
        "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=SU;BYSETPOS=-1",
        "END:DAYLIGHT",
        "END:VTIMEZONE",
        "BEGIN:VEVENT",
        "SUMMARY:Thanksgiving",
        "DTSTART;VALUE=DATE:20",
        " 201126",
        "RRULE:FREQ=YEARLY;BYMONTH=11;",
        " BYDAY=4TH",
        "DTEND;VALUE=DATE:20201128",
        "END:VEVENT",
        "BEGIN:VEVENT",
        "SUMMARY:Founders' day",
        "DTSTART;VALUE=DATE:20240301",
        "RRULE:FREQ=YEARLY",
        "EXDATE;VALUE=DATE:20270301",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    .join("\r\n");
    assert_eq!(
        parse_holidays(&ics, &window()).unwrap(),
        [
            date("2026-03-01"),
            date("2026-11-26"),
            date("2026-11-27"),
            date("2027-11-25"),
            date("2027-11-26"),
        ]
        .into()
    );
    let bad = "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART:20260101\nRRULE:FREQ=HOURLY\nEND:VEVENT\n";
    let err = parse_holidays(bad, &window()).unwrap_err();
    assert!(err.contains("line 4") && err.contains("HOURLY"), "{err}");
}

#[test]
fn extra_dates_moved_and_cancelled_occurrences_and_oversized_text() {
    let ics = [
        "BEGIN:VCALENDAR",
        "BEGIN:VEVENT",
        "UID:new-year",
        "DTSTART;VALUE=DATE:20260101",
        "RRULE:FREQ=YEARLY",
        "RDATE;VALUE=DATE:20260102",
        "END:VEVENT",
        // The 2027 occurrence moves to the Monday.
        "BEGIN:VEVENT",
        "UID:new-year",
        "RECURRENCE-ID;VALUE=DATE:20270101",
        "DTSTART;VALUE=DATE:20270104",
        "END:VEVENT",
        "BEGIN:VEVENT",
        "UID:may-day",
        "DTSTART;VALUE=DATE:20260501",
        "STATUS:CANCELLED",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    .join("\n");
    assert_eq!(
        parse_holidays(&ics, &window()).unwrap(),
        [date("2026-01-01"), date("2026-01-02"), date("2027-01-04")].into()
    );
    let huge = "2026-12-24\n".repeat(100_000);
    let err = parse_holidays(&huge, &window()).unwrap_err();
    assert!(err.contains("over 1 MB"), "{err}");
}

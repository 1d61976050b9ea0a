use super::*;
use crate::domain::calendar::Calendar;

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .unwrap()
        .with_timezone(&Utc)
}

const HIGH: SlaPolicy = SlaPolicy {
    first_response_minutes: 240,
    resolution_minutes: 1440,
    next_response_minutes: 120,
    around_clock: false,
};

#[test]
fn friday_afternoon_ticket_is_due_on_monday() {
    // 2026-11-20 is a Friday. 15:00 + 4 business hours = 2 h on Friday, 2 h from 09:00 Monday.
    let bh = BusinessHours::default();
    let (first, _) = HIGH.due(at("2026-11-20T15:00:00Z"), &Calendar::fixed(&bh));
    assert_eq!(first, at("2026-11-23T11:00:00Z"));
}

#[test]
fn a_follow_up_on_friday_afternoon_is_due_an_answer_on_monday() {
    // The customer writes again at 16:30 on Friday 2026-11-20: 30 business minutes that day, the
    // other 90 of the 120-minute next-response target from 09:00 Monday.
    let bh = BusinessHours::default();
    let since = at("2026-11-20T16:30:00Z");
    assert_eq!(
        HIGH.next_response_due(since, &Calendar::fixed(&bh)),
        at("2026-11-23T10:30:00Z")
    );
    // The weekend does not count: by 09:30 Monday half the target is used.
    assert_eq!(
        HIGH.next_response_used(since, at("2026-11-22T20:00:00Z"), &Calendar::fixed(&bh)),
        25
    );
    assert_eq!(
        HIGH.next_response_used(since, at("2026-11-23T09:30:00Z"), &Calendar::fixed(&bh)),
        50
    );
    assert_eq!(
        HIGH.next_response_used(since, at("2026-11-23T11:30:00Z"), &Calendar::fixed(&bh)),
        150
    );
}

#[test]
fn weekend_ticket_starts_counting_on_monday_morning() {
    let bh = BusinessHours::default();
    let (first, resolution) = HIGH.due(at("2026-11-21T10:00:00Z"), &Calendar::fixed(&bh));
    assert_eq!(first, at("2026-11-23T13:00:00Z"));
    // 24 business hours = three 8-hour days: Monday, Tuesday, Wednesday until 17:00.
    assert_eq!(resolution, at("2026-11-25T17:00:00Z"));
}

#[test]
fn around_the_clock_policies_ignore_business_hours() {
    let urgent = SlaPolicy {
        first_response_minutes: 60,
        resolution_minutes: 480,
        next_response_minutes: 60,
        around_clock: true,
    };
    let (first, resolution) = urgent.due(
        at("2026-11-21T23:30:00Z"),
        &Calendar::fixed(&BusinessHours::default()),
    );
    assert_eq!(first, at("2026-11-22T00:30:00Z"));
    assert_eq!(resolution, at("2026-11-22T07:30:00Z"));
}

#[test]
fn utc_offset_moves_the_working_day() {
    // 09:00-17:00 at UTC+2 is 07:00-15:00 UTC.
    let bh = BusinessHours {
        utc_offset_minutes: 120,
        ..BusinessHours::default()
    };
    assert_eq!(
        Calendar::fixed(&bh).add(at("2026-11-23T06:00:00Z"), 30),
        at("2026-11-23T07:30:00Z")
    );
    assert_eq!(
        Calendar::fixed(&bh).add(at("2026-11-23T14:45:00Z"), 30),
        at("2026-11-24T07:15:00Z")
    );
}

#[test]
fn elapsed_time_skips_nights_and_weekends() {
    let bh = BusinessHours::default();
    // Friday 16:00 to Monday 10:00: one hour on Friday, one on Monday.
    let used = Calendar::fixed(&bh)
        .minutes_between(at("2026-11-20T16:00:00Z"), at("2026-11-23T10:00:00Z"));
    assert_eq!(used, 120);
    assert_eq!(
        HIGH.first_response_used(
            at("2026-11-20T16:00:00Z"),
            at("2026-11-23T10:00:00Z"),
            &Calendar::fixed(&bh)
        ),
        50
    );
    assert_eq!(
        Calendar::fixed(&bh)
            .minutes_between(at("2026-11-23T10:00:00Z"), at("2026-11-20T10:00:00Z")),
        0
    );
}

#[test]
fn add_and_minutes_between_agree() {
    let bh = BusinessHours::default();
    let start = at("2026-11-19T13:17:00Z");
    for minutes in [1, 59, 230, 480, 481, 2000, 9000] {
        let due = Calendar::fixed(&bh).add(start, minutes);
        assert_eq!(
            Calendar::fixed(&bh).minutes_between(start, due),
            minutes,
            "{minutes} minutes"
        );
    }
}

#[test]
fn hours_without_a_working_day_fall_back_to_the_clock() {
    let bh = BusinessHours {
        days: [false; 7],
        ..BusinessHours::default()
    };
    assert!(!bh.is_valid());
    assert_eq!(
        Calendar::fixed(&bh).add(at("2026-11-21T10:00:00Z"), 90),
        at("2026-11-21T11:30:00Z")
    );
}

#[test]
fn a_deadline_across_midnight_keeps_its_seconds() {
    // 23:08:43 + 60 minutes around the clock: 51 min 17 s on the first day, the rest after
    // midnight. Whole minutes per day once made this 00:09:00.
    let urgent = SlaPolicy {
        first_response_minutes: 60,
        resolution_minutes: 480,
        next_response_minutes: 60,
        around_clock: true,
    };
    let bh = BusinessHours::default();
    let (first, _) = urgent.due(at("2026-12-04T23:08:43Z"), &Calendar::fixed(&bh));
    assert_eq!(first, at("2026-12-05T00:08:43Z"));
    // And business minutes count the seconds of both days.
    let always = BusinessHours {
        days: [true; 7],
        start_minute: 0,
        end_minute: 24 * 60,
        ..BusinessHours::default()
    };
    assert_eq!(
        Calendar::fixed(&always)
            .minutes_between(at("2026-12-04T23:59:30Z"), at("2026-12-05T00:00:40Z")),
        1
    );
}

#[test]
fn a_short_target_is_at_risk_to_the_second() {
    let minute = SlaPolicy {
        first_response_minutes: 1,
        resolution_minutes: 2,
        next_response_minutes: 1,
        around_clock: true,
    };
    let bh = BusinessHours::default();
    let created = at("2026-11-20T15:00:00Z");
    let (first, resolution) = minute.at_risk(created, &Calendar::fixed(&bh));
    assert_eq!(first, at("2026-11-20T15:00:48Z"));
    assert_eq!(resolution, at("2026-11-20T15:01:36Z"));
    // In business hours too: 80% of 4 business hours from Friday 15:00 is 3 h 12 min, 2 h that
    // day and 1 h 12 min from Monday 09:00.
    let (first, _) = HIGH.at_risk(created, &Calendar::fixed(&bh));
    assert_eq!(first, at("2026-11-23T10:12:00Z"));
    // A part-minute that would run past closing time falls on the next working morning.
    let minute_in_hours = SlaPolicy {
        around_clock: false,
        ..minute
    };
    let (first, _) = minute_in_hours.at_risk(at("2026-11-20T16:59:30Z"), &Calendar::fixed(&bh));
    assert_eq!(first, at("2026-11-23T09:00:18Z"));
}

"""Group wait (alerts/noise/group.py): keys, joining, closing, the per-receiver plan, and the
incident's wait (updates held as group_wait until the group is sent)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from alerts.incidents import decide
from alerts.model import GroupPolicy, alert_id_for
from alerts.noise.gate import gate
from alerts.noise.group import (
    HOLD_MAX_SECONDS, Due, GroupBook, Member, close, finish, group_key, hold_for, is_waiting_member, join, plan,
    release_step, start_waiting, stop_waiting,
)
from tests.factories import SEED_FIRED_AT, place, seed_alert, seed_event, source

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=timezone.utc)
BY_PROVINCE = GroupPolicy(by=("location.admin1_code",), wait_seconds=30)
BOTH = ("slack:syria-watch", "email:duty-officers")


def killing(n: int, admin1: str = "SY-ID", rule_id: str = "people-killed", receivers=BOTH, group=BY_PROVINCE):
    ev = seed_event(report_id=f"r{n}", event_id=f"r{n}:0", source=source(name=f"outlet {n}"),
                    location=place(name=f"Town {n}", admin1_code=admin1))
    return seed_alert(ev, alert_id=alert_id_for(rule_id, ev.event_id), rule_id=rule_id,
                      incident_key=f"{rule_id}|town {n}", receivers=receivers, group=group)


def member(alert) -> Member:
    notice, _ = decide(None, alert, NOW)
    return Member(group_key=group_key(alert), wait_seconds=alert.group.wait_seconds, notice=notice)


@pytest.mark.parametrize("a, b, same", [
    (killing(1), killing(2), True),                                      # one rule, one province
    (killing(1), killing(2, admin1="SY-HL"), False),                     # another province
    (killing(1), killing(2, rule_id="town-shelled"), False),             # another rule
    (killing(1, group=GroupPolicy(wait_seconds=30)),                     # no `by`: the rule alone
     killing(2, admin1="SY-HL", group=GroupPolicy(wait_seconds=30)), True),
])
def test_group_key(a, b, same):
    assert (group_key(a) == group_key(b)) is same


def test_the_first_member_opens_a_group_due_after_the_wait_and_the_rest_join_it():
    book, due = join(GroupBook(), member(killing(1)), NOW)
    assert due is not None and due.due_at == NOW + timedelta(seconds=30)
    for n, minutes in ((2, 0.1), (3, 0.4)):
        book, again = join(book, member(killing(n)), NOW + timedelta(minutes=minutes))
        assert again is None
    [group] = book.groups
    assert group.group_id == due.group_id
    assert [m.alert.event.report_id for m in group.members] == ["r1", "r2", "r3"]


def test_a_redelivered_member_changes_nothing_but_its_open_group_is_due_again():
    # The stage may have written the table and died before publishing the Due: the replayed
    # member must publish it again, or the group is never released.
    book, due = join(GroupBook(), member(killing(1)), NOW)
    book, _ = join(book, member(killing(2)), NOW)
    later = NOW + timedelta(seconds=10)
    assert join(book, member(killing(2)), later) == (book, due)
    assert join(book, member(killing(1)), later) == (book, due)
    # A closing group is being released (its Due is out): nothing to publish.
    closed, _ = close(book, due.group_id)
    assert join(closed, member(killing(2)), later) == (closed, None)


DUE = Due(group_key="k", group_id="grp-1", due_at=NOW + timedelta(seconds=20))


@pytest.mark.parametrize("now, hold, step", [
    (NOW, HOLD_MAX_SECONDS, "requeue"),                                  # 20 s to go: held a second at most
    (NOW + timedelta(seconds=19.5), 0.5, "requeue"),                    # (the clock is read again after)
    (NOW + timedelta(seconds=20), 0.0, "release"),
    (NOW + timedelta(minutes=5), 0.0, "release"),                        # late (a worker was down)
    (DUE.due_at.replace(tzinfo=None), 0.0, "release"),                   # a naive clock is UTC
])
def test_a_due_message_is_held_a_second_at_most_then_released_or_requeued(now, hold, step):
    assert hold_for(DUE, now) == pytest.approx(hold)
    assert release_step(DUE, now) == step


def test_a_closed_group_takes_no_one_and_a_late_member_opens_the_next():
    book, first = join(GroupBook(), member(killing(1)), NOW)
    book, group = close(book, first.group_id)
    assert group is not None and group.closing
    late = NOW + timedelta(seconds=31)
    book, second = join(book, member(killing(2)), late)
    assert second is not None and second.group_id != first.group_id and second.due_at == late + timedelta(seconds=30)
    assert [len(g.members) for g in book.groups] == [1, 1]
    # Closing again (a due message replayed after a crash mid-send) finds the same group.
    assert close(book, first.group_id)[1] == group
    book = finish(book, first.group_id)
    assert [g.group_id for g in book.groups] == [second.group_id]
    assert close(finish(book, second.group_id), second.group_id) == (GroupBook(), None)


def test_the_group_id_is_the_same_when_the_first_member_is_replayed():
    assert join(GroupBook(), member(killing(1)), NOW)[1] == join(GroupBook(), member(killing(1)), NOW)[1]


@pytest.mark.parametrize("receivers, can_group, expected", [
    # receiver: (grouped members, members) by report number
    ([BOTH] * 3, {"slack:syria-watch", "email:duty-officers"},
     {"slack:syria-watch": ([1, 2, 3], [1, 2, 3]), "email:duty-officers": ([1, 2, 3], [1, 2, 3])}),
    ([BOTH] * 3, {"slack:syria-watch"},       # a webhook cannot group: each goes alone
     {"slack:syria-watch": ([1, 2, 3], [1, 2, 3]), "email:duty-officers": ([], [1, 2, 3])}),
    ([BOTH, ("slack:syria-watch",), ("email:duty-officers",)], set(BOTH),   # routed apart
     {"slack:syria-watch": ([1, 2], [1, 2]), "email:duty-officers": ([1, 3], [1, 3])}),
    ([BOTH], set(BOTH),                       # a group of one is not a group
     {"slack:syria-watch": ([], [1]), "email:duty-officers": ([], [1])}),
])
def test_plan(receivers, can_group, expected):
    book = GroupBook()
    for n, routed in enumerate(receivers, 1):
        book, _ = join(book, member(killing(n, receivers=routed)), NOW)
    steps = plan(book.groups[0], lambda r: r in can_group, most=46)
    numbers = lambda notices: [int(n.alert.event.report_id[1:]) for n in notices]  # noqa: E731
    assert all(len(s.messages) <= 1 for s in steps)
    grouped = {s.receiver: [n for m in s.messages for n in m.members] for s in steps}
    assert {s.receiver: (numbers(grouped[s.receiver]), numbers(s.members)) for s in steps} == expected


@pytest.mark.parametrize("count, most, sizes", [
    (46, 46, [46]),
    (47, 46, [24, 23]),          # even parts: never one member left over on its own
    (92, 46, [46, 46]),
    (120, 46, [40, 40, 40]),
    (7, 3, [3, 2, 2]),
    (2, 2, [2]),
])
def test_a_large_group_goes_as_messages_of_at_most_most_members(count, most, sizes):
    book = GroupBook()
    for n in range(1, count + 1):
        book, _ = join(book, member(killing(n, receivers=("slack:syria-watch",))), NOW)
    group = book.groups[0]
    [step] = plan(group, lambda r: True, most)
    assert [len(m.members) for m in step.messages] == sizes
    assert [n for m in step.messages for n in m.members] == list(step.members) == list(group.members)
    assert [m.group_id for m in step.messages] == [group.group_id] + [f"{group.group_id}-{k}" for k in range(2, len(sizes) + 1)]
    assert plan(group, lambda r: True, most) == [step]  # a replayed release finds the same parts


def test_a_message_needs_room_for_two():
    book, _ = join(GroupBook(), member(killing(1)), NOW)
    with pytest.raises(ValueError, match="room for two members, not 1"):
        plan(book.groups[0], lambda r: True, 1)


def test_updates_wait_with_the_incident_and_go_out_after_the_group():
    first = killing(1)
    later = seed_alert(seed_event(report_id="r9", event_id="r9:0", source=source(name="outlet 9"),
                                  location=place(name="Town 1", admin1_code="SY-ID"), fatalities=5),
                       alert_id=alert_id_for("people-killed", "r9:0"), rule_id="people-killed",
                       incident_key=first.incident_key, receivers=BOTH, group=BY_PROVINCE,
                       fired_at=SEED_FIRED_AT + timedelta(seconds=5))
    notice, state = decide(None, first, NOW)
    notice, state, held = gate(notice, state, NOW)
    assert held is None and notice.kind == "new"
    state = start_waiting(state, group_key(first), first.receivers)
    assert state.pending == {r: 1 for r in BOTH} and is_waiting_member(state, first)
    assert not is_waiting_member(state, later)

    notice, state = decide(state, later, NOW)
    notice, state, held = gate(notice, state, NOW)
    assert held is not None and held.reason == "group_wait"

    state = stop_waiting(state)
    assert not is_waiting_member(state, first)
    again = later.model_copy(update={"alert_id": "al-next", "fired_at": later.fired_at + timedelta(seconds=1)})
    notice, state = decide(state, again, NOW)
    notice, state, held = gate(notice, state, NOW)
    assert held is None and notice.kind == "update"
    assert any("dead" in change for change in notice.changes)  # the held update's facts go out now

"""The audit chain finds any edited, inserted or deleted entry and says where."""

import threading

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, connections, transaction

from nghedan.audit.chain import record, verify
from nghedan.audit.models import AuditEntry, AuditImmutable

pytestmark = pytest.mark.django_db


@pytest.fixture
def chain():
    return [record(None, "demo.step", ("demo.thing", str(n)), n=n) for n in range(1, 6)]


def raw(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_an_intact_chain_verifies(chain):
    assert verify() == []
    call_command("verify_audit", verbosity=0)


def test_each_entry_holds_the_digest_of_the_one_before(chain):
    for before, after in zip(chain, chain[1:], strict=False):
        assert after.previous_digest == before.digest


def test_an_edited_entry_is_found_by_number(chain):
    target = chain[2]
    raw("UPDATE audit_auditentry SET data = %s WHERE id = %s", ['{"n": 99}', target.pk])
    breaks = verify()
    assert [b.seq for b in breaks] == [target.seq]
    assert "sửa" in breaks[0].problem
    with pytest.raises(CommandError, match="can thiệp"):
        call_command("verify_audit", verbosity=0)


def test_a_deleted_entry_is_found_at_the_entry_after_it(chain):
    raw("DELETE FROM audit_auditentry WHERE id = %s", [chain[1].pk])
    breaks = verify()
    assert [b.seq for b in breaks] == [chain[2].seq]
    assert "xóa" in breaks[0].problem


def test_a_deleted_last_entry_is_found_through_the_head(chain):
    raw("DELETE FROM audit_auditentry WHERE id = %s", [chain[-1].pk])
    assert any("đầu chuỗi" in b.problem for b in verify())


def test_an_inserted_entry_is_found(chain):
    # Someone with database access slips an entry in, reusing a number and guessing a digest.
    fake = chain[2]
    raw("UPDATE audit_auditentry SET seq = seq + 1000 WHERE seq >= %s", [fake.seq])
    raw(
        "INSERT INTO audit_auditentry (seq, at, actor_label, action, target_type, target_id, data,"
        " previous_digest, digest) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
        [
            fake.seq,
            fake.at,
            "kẻ gian",
            "demo.step",
            "demo.thing",
            "x",
            "{}",
            chain[1].digest,
            "f" * 64,
        ],
    )
    breaks = verify()
    assert any(b.seq == fake.seq and "sửa" in b.problem for b in breaks)


def test_the_application_cannot_change_or_remove_entries(chain):
    entry = AuditEntry.objects.get(pk=chain[0].pk)
    entry.action = "changed"
    with pytest.raises(AuditImmutable):
        entry.save()
    with pytest.raises(AuditImmutable):
        entry.delete()
    with pytest.raises(AuditImmutable):
        AuditEntry.objects.filter(pk=entry.pk).update(action="x")
    with pytest.raises(AuditImmutable):
        AuditEntry.objects.all().delete()
    assert verify() == []


def test_an_entry_written_in_a_rolled_back_action_leaves_no_trace(db):
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        record(None, "demo.step", ("demo.thing", "1"))
        raise RuntimeError("the action failed")
    assert AuditEntry.objects.count() == 0
    record(None, "demo.step", ("demo.thing", "2"))
    assert verify() == []


def test_a_single_writer_keeps_to_the_first_lane(chain):
    assert {entry.lane for entry in AuditEntry.objects.all()} == {1}
    assert [entry.seq for entry in chain] == sorted(entry.seq for entry in chain)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has one writer at a time")
@pytest.mark.django_db(transaction=True)
def test_a_writer_does_not_wait_for_another_to_commit_but_takes_the_next_lane():
    holding, release = threading.Event(), threading.Event()

    def long_action():
        try:
            with transaction.atomic():
                record(None, "demo.slow", ("demo.thing", "1"))
                holding.set()
                release.wait(10)
        finally:
            connections.close_all()

    record(None, "demo.first", ("demo.thing", "0"))  # the lanes' heads made, and committed
    slow = threading.Thread(target=long_action)
    slow.start()
    assert holding.wait(10)
    with connection.cursor() as cursor:
        # Waiting for the first lane would fail this statement instead of hanging the test.
        cursor.execute("SET lock_timeout = '2s'")
    try:
        quick = record(None, "demo.quick", ("demo.thing", "2"))
    finally:
        release.set()
        slow.join(10)
    slow_entry = AuditEntry.objects.get(action="demo.slow")
    assert (slow_entry.lane, quick.lane) == (1, 2)
    assert quick.seq > slow_entry.seq
    after = record(None, "demo.after", ("demo.thing", "3"))
    assert after.lane == 1 and after.previous_digest == slow_entry.digest
    assert verify() == []


def test_a_log_kept_before_lanes_opens_them_and_goes_on_numbering(chain):
    import importlib
    from types import SimpleNamespace

    from django.apps import apps

    from nghedan.audit.models import AuditHead

    AuditHead.objects.exclude(pk=1).delete()  # a database written before migration 0003
    migration = importlib.import_module("nghedan.audit.migrations.0003_audit_lanes")
    # SQLite's schema editor cannot open inside a test's transaction; these steps need only
    # its connection and execute().
    editor = SimpleNamespace(connection=connection, execute=lambda sql: raw(sql, None))
    migration.create_numbering(apps, editor)
    migration.open_lanes(apps, editor)
    assert sorted(AuditHead.objects.values_list("pk", flat=True)) == list(range(1, 9))
    assert verify() == []
    after = record(None, "demo.after", ("demo.thing", "9"))
    assert after.seq > chain[-1].seq and after.previous_digest == chain[-1].digest
    assert verify() == []

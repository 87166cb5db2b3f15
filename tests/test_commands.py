"""The set-up commands: bootstrap (reference data, seed documents, demo accounts) and adduser."""

import io

import pytest
from django.core.management import CommandError, call_command

from accounts.models import Role, User
from regions.models import Department, DepartmentAlias, Region
from tasks import demo
from tasks.models import PolicyDocument


def _counts() -> dict[str, int]:
    return {
        "regions": Region.objects.count(),
        "departments": Department.objects.count(),
        "aliases": DepartmentAlias.objects.count(),
        "documents": PolicyDocument.objects.count(),
        "users": User.objects.count(),
    }


@pytest.fixture
def bootstrapped(db):
    out = io.StringIO()
    call_command("bootstrap", "--demo", stdout=out)
    return out.getvalue()


def test_bootstrap_without_demo_loads_only_reference_data(db):
    call_command("bootstrap", stdout=io.StringIO())
    assert Region.objects.filter(code="410100", name="郑州市").exists()
    assert Department.objects.exists()
    assert PolicyDocument.objects.count() == 0
    assert User.objects.count() == 0


def test_bootstrap_demo_stores_the_five_seed_documents(bootstrapped):
    documents = PolicyDocument.objects.select_related("region")
    assert documents.count() == 5
    by_number = {d.doc_number: d for d in documents}
    assert by_number["郑医改〔2021〕2号"].region.code == "410100"
    assert by_number["湘医改办发〔2018〕2号"].region.code == "430000"
    assert all(d.text and len(d.checksum) == 64 and d.original_file for d in documents)


def test_bootstrap_demo_creates_an_account_for_each_role_and_prints_passwords(bootstrapped):
    roles = set(User.objects.exclude(role="").values_list("role", flat=True))
    assert roles == {Role.OFFICE, Role.LIAISON, Role.LEADER}
    liaison = User.objects.get(username="liaison_ybj")
    assert liaison.department is not None
    assert liaison.department.region.code == "410100"
    assert liaison.check_password(demo.DEMO_PASSWORD)
    assert User.objects.get(username="admin").is_superuser
    assert demo.DEMO_PASSWORD in bootstrapped
    assert "office_zz" in bootstrapped


def test_bootstrap_is_idempotent(bootstrapped):
    before = _counts()
    out = io.StringIO()
    call_command("bootstrap", "--demo", stdout=out)
    assert _counts() == before
    assert "already imported" in out.getvalue()


def test_bootstrap_demo_sets_the_loop_in_motion_once(bootstrapped):
    """Each demo role finds something in 待办, made through the real services; a second run adds nothing."""
    from accounts.models import User
    from tasks.inbox.services import items as inbox
    from tasks.models import Event

    kinds = {
        name: {s.kind for s in inbox.sections(User.objects.get(username=name))}
        for name in ("office_zz", "liaison_ybj")
    }
    assert {"completion_request", "extension_request"} <= kinds["office_zz"]
    assert {"instruction", "reminder"} <= kinds["liaison_ybj"]
    assert "demo activity:" in bootstrapped
    events = Event.objects.count()
    out = io.StringIO()
    call_command("bootstrap", "--demo", stdout=out)
    assert Event.objects.count() == events
    assert "demo activity:" not in out.getvalue()


def test_bootstrap_keeps_a_password_the_owner_changed(bootstrapped):
    user = User.objects.get(username="office_zz")
    user.set_password("a-new-secret-passphrase")
    user.save()
    out = io.StringIO()
    call_command("bootstrap", "--demo", stdout=out)
    user.refresh_from_db()
    assert user.check_password("a-new-secret-passphrase")
    assert "password changed by its owner" in out.getvalue()


@pytest.fixture
def reference(db):
    demo.load_reference_data()


def test_adduser_creates_office_staff_scoped_to_a_region(reference):
    call_command(
        "adduser",
        "zz1",
        "--role",
        "office",
        "--region",
        "410100",
        "--password",
        "Kx9!long-pass",
        stdout=io.StringIO(),
    )
    user = User.objects.get(username="zz1")
    assert user.role == Role.OFFICE
    assert user.region.code == "410100"
    assert user.check_password("Kx9!long-pass")


def test_adduser_resolves_a_liaisons_department_by_alias(reference):
    call_command(
        "adduser", "ybj", "--role", "liaison", "--region", "410100", "--department", "市医保局",
        "--password", "Kx9!long-pass", stdout=io.StringIO(),
    )  # fmt: skip
    user = User.objects.get(username="ybj")
    assert user.department.name == "郑州市医疗保障局"
    assert user.region.code == "410100"


def test_adduser_reads_the_password_from_stdin(reference, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("Stdin-pass-42!\n"))
    call_command("adduser", "reader", "--role", "leader", "--region", "410100", stdout=io.StringIO())
    assert User.objects.get(username="reader").check_password("Stdin-pass-42!")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--role", "office", "--password", "Kx9!long-pass"], "region"),
        (["--role", "liaison", "--password", "Kx9!long-pass"], "department"),
        (["--role", "office", "--region", "999999", "--password", "Kx9!long-pass"], "999999"),
        (["--role", "liaison", "--department", "不存在的局", "--password", "Kx9!long-pass"], "不存在的局"),
        (["--role", "office", "--region", "410100", "--password", "123"], "密码"),
    ],
)
def test_adduser_refuses_bad_input_with_a_message_and_creates_nothing(reference, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("adduser", "someone", *args, stdout=io.StringIO())
    assert not User.objects.filter(username="someone").exists()


def test_adduser_refuses_a_taken_username(reference):
    call_command(
        "adduser",
        "dup",
        "--role",
        "leader",
        "--region",
        "410100",
        "--password",
        "Kx9!long-pass",
        stdout=io.StringIO(),
    )
    with pytest.raises(CommandError, match="dup"):
        call_command(
            "adduser",
            "dup",
            "--role",
            "leader",
            "--region",
            "410100",
            "--password",
            "Kx9!long-pass",
            stdout=io.StringIO(),
        )

import pytest

from django.core import mail

from notifications import services, tasks
from notifications.models import OutboundEmail
from tests.factories import MembershipFactory, MembershipRequestFactory

pytestmark = pytest.mark.django_db


def _approved_request():
    from communities.services import membership_request_approve

    request = MembershipRequestFactory()
    owner = MembershipFactory(community=request.community, role="owner").user
    membership_request_approve(actor=owner, request_id=request.pk)
    return OutboundEmail.objects.get()


def test_an_email_is_sent_once_however_often_its_task_runs():
    email = _approved_request()
    assert tasks.deliver_email(email.pk) is True
    assert tasks.deliver_email(email.pk) is False
    assert len(mail.outbox) == 1


def test_queueing_the_same_key_twice_records_one_email():
    first = services.email_queue(key="k-1", kind="membership_request_decided", to_address="a@b.c")
    second = services.email_queue(key="k-1", kind="membership_request_decided", to_address="a@b.c")
    assert first.pk == second.pk and OutboundEmail.objects.count() == 1


def test_a_failed_send_goes_back_to_the_queue_and_the_sweep_sends_it(monkeypatch):
    email = _approved_request()

    def broken_send(self, fail_silently=False):
        raise OSError("SMTP down")

    from django.core.mail import EmailMultiAlternatives

    with monkeypatch.context() as patch:
        patch.setattr(EmailMultiAlternatives, "send", broken_send)
        assert services.email_deliver(email.pk) is False
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.PENDING and "SMTP down" in email.last_error
    OutboundEmail.objects.filter(pk=email.pk).update(created_at=email.created_at.replace(year=2000))
    assert tasks.deliver_pending_emails() == 1
    assert len(mail.outbox) == 1


def test_a_change_still_succeeds_when_the_broker_is_down(
    monkeypatch, django_capture_on_commit_callbacks
):
    def no_broker(*args, **kwargs):
        raise ConnectionRefusedError("broker down")

    monkeypatch.setattr(tasks.deliver_email, "delay", no_broker)
    with django_capture_on_commit_callbacks(execute=True):
        email = _approved_request()
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.PENDING
    assert email.pk in services.pending_email_ids(older_than_seconds=0)


def test_an_email_that_is_no_longer_relevant_is_skipped():
    email = _approved_request()
    from communities.models import MembershipRequest

    MembershipRequest.objects.all().delete()
    assert services.email_deliver(email.pk) is False
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SKIPPED and not mail.outbox

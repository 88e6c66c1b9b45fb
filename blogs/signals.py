"""Keeping the blogs' Wagtail groups in step with memberships, bans and people. (The page tree
follows communities through community_pages.signals.) Database work only: no network, no mail."""

from allauth.account.models import EmailAddress

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from accounts.models import User
from communities.models import Ban, Membership, PostingBan

from . import access


@receiver(post_save, sender=Membership, dispatch_uid="blogs-membership-saved")
@receiver(post_delete, sender=Membership, dispatch_uid="blogs-membership-deleted")
def membership_changed(sender, instance: Membership, raw: bool = False, **kwargs):
    if raw:
        return
    access.blog_access_sync_member(instance.user, instance.community)


@receiver(post_save, sender=Ban, dispatch_uid="blogs-ban-saved")
@receiver(post_save, sender=PostingBan, dispatch_uid="blogs-posting-ban-saved")
def ban_saved(sender, instance, raw: bool = False, **kwargs):
    """Members banned, or stopped posting, leave the blog's writers' group."""
    if not raw:
        access.blog_access_sync_member(instance.user, instance.community)


@receiver(post_save, sender=EmailAddress, dispatch_uid="blogs-email-saved")
@receiver(post_delete, sender=EmailAddress, dispatch_uid="blogs-email-deleted")
def email_address_changed(sender, instance: EmailAddress, raw: bool = False, **kwargs):
    """Writing needs a verified address: losing it leaves the blogs' writers' groups."""
    if raw:
        return
    if kwargs.get("signal") is post_delete or not instance.verified:
        access.blog_access_sync_person(instance.user)


ACCESS_FIELDS = {"is_staff", "is_superuser", "is_active"}


@receiver(post_save, sender=User, dispatch_uid="blogs-user-saved")
def user_saved(sender, instance: User, created: bool, raw: bool = False, **kwargs):
    """Staff who stop being staff (or accounts switched off) leave the blogs' editors' and
    writers' groups they no longer qualify for. Saves of other fields (a login) cost nothing."""
    update_fields = kwargs.get("update_fields")
    if raw or created or (update_fields is not None and not ACCESS_FIELDS & set(update_fields)):
        return
    if instance.is_staff and instance.is_active:
        return
    access.blog_access_sync_person(instance)

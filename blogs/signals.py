"""Keeping the page tree and the Wagtail groups in step with communities and memberships.
Database work only: no network, no mail."""

from allauth.account.models import EmailAddress

from django.db.models.signals import post_delete, post_save, pre_delete
from django.dispatch import receiver

from accounts.models import User
from communities.models import Ban, Community, Membership

from . import access, tree


@receiver(post_save, sender=Community, dispatch_uid="blogs-community-pages")
def community_saved(sender, instance: Community, created: bool, raw: bool = False, **kwargs):
    """New communities get their blog; renamed ones keep their pages' address and title."""
    if raw:
        return
    if created:
        tree.blog_pages_ensure(instance)
    else:
        tree.community_pages_rename(instance)


@receiver(pre_delete, sender=Community, dispatch_uid="blogs-community-pages-delete")
def community_deleted(sender, instance: Community, **kwargs):
    tree.community_pages_delete(instance)


@receiver(post_save, sender=Membership, dispatch_uid="blogs-membership-saved")
@receiver(post_delete, sender=Membership, dispatch_uid="blogs-membership-deleted")
def membership_changed(sender, instance: Membership, raw: bool = False, **kwargs):
    if raw:
        return
    access.blog_access_sync_member(instance.user, instance.community)


@receiver(post_save, sender=Ban, dispatch_uid="blogs-ban-saved")
@receiver(post_save, sender="forums.PostingBan", dispatch_uid="blogs-posting-ban-saved")
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

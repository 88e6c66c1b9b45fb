"""Writing in the forum: threads, replies, edits, reactions, answers, follows and reports.

Every form works without JavaScript. "Preview" re-renders the form with the rendered text
(the same sanitiser the post will use) and keeps everything typed.
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import FileResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import dateformat
from django.utils.translation import gettext as _
from django.views import View

from accounts.models import User
from communities import permissions as community_permissions
from communities.models import Membership
from copsite.images import picture_from_upload
from copsite.markup import mention_markdown, render_markdown

from .. import permissions
from ..forms import FlagForm, ImageUploadForm, PostEditForm, ReplyForm, SeedThreadForm, ThreadForm
from ..models import Category, Post, PostImage
from ..services import posts as post_services
from ..services import threads as thread_services
from .base import CommunityForumMixin


def _is_preview(request) -> bool:
    return request.POST.get("action") == "preview"


def _add_errors(form, error: ValidationError, field: str = "body") -> None:
    target = field if field in form.fields else None
    form.add_error(target, error)


class ThreadStartView(LoginRequiredMixin, CommunityForumMixin, View):
    template_name = "forums/thread_start/index.html"

    def _form_class(self):
        return (
            SeedThreadForm
            if permissions.can_moderate(self.request.user, self.community)
            else ThreadForm
        )

    def _render(self, request, form, preview=None, status=200, problem=None):
        return render(
            request,
            self.template_name,
            {"community": self.community, "form": form, "preview": preview, "problem": problem},
            status=status,
        )

    def _refusal(self, request, form=None):
        problem = permissions.why_no_thread(request.user, self.community)
        return self._render(request, form, problem=problem, status=403)

    def get(self, request, slug):
        if not permissions.can_start_thread(request.user, self.community):
            return self._refusal(request)
        initial = {}
        category = Category.objects.filter(
            community=self.community, slug=request.GET.get("category", "")
        ).first()
        if category:
            initial["category"] = category
        return self._render(request, self._form_class()(community=self.community, initial=initial))

    def post(self, request, slug):
        form = self._form_class()(request.POST, community=self.community)
        if not permissions.can_start_thread(request.user, self.community):
            # Things may have changed while they typed: say why, and keep what they wrote.
            return self._refusal(request, form)
        if _is_preview(request):
            form.is_valid()
            return self._render(
                request, form, preview=render_markdown(request.POST.get("body", ""))
            )
        if form.is_valid():
            data = form.cleaned_data
            try:
                thread = thread_services.thread_create(
                    actor=request.user,
                    community=self.community,
                    category=data["category"],
                    title=data["title"],
                    body=data["body"],
                    tags=data["tags"],
                    submission_key=data["submission_key"],
                    as_team=data.get("as_team", False),
                    publish_at=data.get("publish_at"),
                    language=data.get("language", ""),
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                return redirect_after_thread(request, thread)
        return self._render(request, form, status=400)


def redirect_after_thread(request, thread):
    if thread.status == thread.Status.HELD:
        messages.success(
            request,
            _(
                "Thanks! New members' first posts are checked by a facilitator before others "
                "see them."
            ),
        )
    elif thread.status == thread.Status.SCHEDULED:
        messages.success(
            request,
            _("Scheduled for %(date)s at %(time)s.")
            % {
                "date": dateformat.format(thread.publish_at, "j F Y"),
                "time": dateformat.format(thread.publish_at, "H:i"),
            },
        )
    return redirect(thread)


class ReplyView(LoginRequiredMixin, CommunityForumMixin, View):
    """The reply page (the thread page also carries a reply form that posts here)."""

    template_name = "forums/reply/index.html"

    def _thread(self, request, thread_id):
        # A merged thread too: someone replying as it was merged is told where to post, and
        # keeps what they wrote (`permissions.why_no_reply`).
        return permissions.get_thread_for_user_or_404(
            request.user, self.community, thread_id, merged=True
        )

    def _render(self, request, thread, form, preview=None, status=200, problem=None):
        return render(
            request,
            self.template_name,
            {
                "community": self.community,
                "thread": thread,
                "form": form,
                "preview": preview,
                "problem": problem,
            },
            status=status,
        )

    def get(self, request, slug, thread_id):
        thread = self._thread(request, thread_id)
        if not permissions.can_reply(request.user, thread):
            return self._render(
                request,
                thread,
                None,
                problem=permissions.why_no_reply(request.user, thread),
                status=403,
            )
        initial = {}
        quoted = request.GET.get("quote", "")
        if quoted.isdigit():
            post = permissions.get_post_for_user_or_404(request.user, self.community, int(quoted))
            if post.thread_id == thread.pk and post.status == Post.Status.VISIBLE:
                initial["body"] = quote_markdown(post)
        return self._render(request, thread, ReplyForm(initial=initial))

    def post(self, request, slug, thread_id):
        thread = self._thread(request, thread_id)
        form = ReplyForm(request.POST)
        if not permissions.can_reply(request.user, thread):
            return self._render(
                request,
                thread,
                form,
                problem=permissions.why_no_reply(request.user, thread),
                status=403,
            )
        if _is_preview(request):
            form.is_valid()
            return self._render(
                request, thread, form, preview=render_markdown(request.POST.get("body", ""))
            )
        if form.is_valid():
            try:
                post = post_services.post_reply(
                    actor=request.user,
                    thread=thread,
                    body=form.cleaned_data["body"],
                    submission_key=form.cleaned_data["submission_key"],
                    language=form.cleaned_data.get("language", ""),
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                if post.status == Post.Status.HELD:
                    messages.success(
                        request,
                        _("Thanks! Your reply will appear once a facilitator approves it."),
                    )
                return redirect(post.get_absolute_url())
        return self._render(request, thread, form, status=400)


def quote_markdown(post: Post) -> str:
    quoted = "\n".join(f"> {line}" for line in post.body.splitlines())
    # Translators: the first line of a quoted post put in the reply box (Markdown: keep the
    # ** and the [link](%(url)s) as they are).
    said = _("**%(name)s** [wrote](%(url)s):") % {
        "name": post.byline,
        "url": post.get_absolute_url(),
    }
    return f"> {said}\n>\n{quoted}\n\n"


class PostEditView(LoginRequiredMixin, CommunityForumMixin, View):
    template_name = "forums/post_edit/index.html"

    def _post(self, request, post_id):
        post = permissions.get_post_for_user_or_404(request.user, self.community, post_id)
        post.is_first = post.pk in Post.objects.opening(post.thread).values_list("pk", flat=True)
        return post

    def _render(self, request, post, form, preview=None, status=200, problem=None):
        return render(
            request,
            self.template_name,
            {
                "community": self.community,
                "post": post,
                "form": form,
                "preview": preview,
                "problem": problem,
            },
            status=status,
        )

    def get(self, request, slug, post_id):
        post = self._post(request, post_id)
        permissions.require(
            permissions.can_edit_post(request.user, post), "You cannot edit this post."
        )
        form = PostEditForm(
            is_first_post=post.is_first, initial={"body": post.body, "title": post.thread.title}
        )
        return self._render(request, post, form)

    def post(self, request, slug, post_id):
        post = self._post(request, post_id)
        form = PostEditForm(request.POST, is_first_post=post.is_first)
        if not permissions.can_edit_post(request.user, post):
            # Things may have changed while they typed: say why, and keep what they wrote.
            problem = permissions.why_no_edit(request.user, post)
            return self._render(request, post, form, problem=problem, status=403)
        if _is_preview(request):
            form.is_valid()
            return self._render(
                request, post, form, preview=render_markdown(request.POST.get("body", ""))
            )
        if form.is_valid():
            try:
                post_services.post_edit(
                    actor=request.user,
                    post=post,
                    body=form.cleaned_data["body"],
                    title=form.cleaned_data.get("title"),
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("Your changes have been saved."))
                return redirect(post.get_absolute_url())
        return self._render(request, post, form, status=400)


class PostDeleteView(LoginRequiredMixin, CommunityForumMixin, View):
    template_name = "forums/post_delete/index.html"

    def _post(self, request, post_id):
        post = permissions.get_post_for_user_or_404(request.user, self.community, post_id)
        permissions.require(
            permissions.can_delete_post(request.user, post), "You cannot delete this post."
        )
        return post

    def get(self, request, slug, post_id):
        post = self._post(request, post_id)
        return render(request, self.template_name, {"community": self.community, "post": post})

    def post(self, request, slug, post_id):
        post = self._post(request, post_id)
        post_services.post_delete(actor=request.user, post=post)
        messages.success(request, _("The post has been deleted."))
        return redirect(post.thread)


class PostActionView(LoginRequiredMixin, CommunityForumMixin, View):
    """Small POST-only actions on a post; each returns to the post."""

    action = ""

    def post(self, request, slug, post_id):
        post = permissions.get_post_for_user_or_404(request.user, self.community, post_id)
        try:
            if self.action == "react":
                post_services.reaction_toggle(
                    actor=request.user, post=post, kind=request.POST.get("kind", "")
                )
            elif self.action == "bookmark":
                added = post_services.bookmark_toggle(actor=request.user, post=post)
                messages.success(request, _("Bookmarked.") if added else _("Bookmark removed."))
            elif self.action == "answer":
                post_services.answer_mark(actor=request.user, thread=post.thread, post=post)
                messages.success(request, _("Marked as the answer."))
            elif self.action == "unanswer":
                post_services.answer_mark(actor=request.user, thread=post.thread, post=None)
                messages.success(request, _("The answer mark has been removed."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect(post.get_absolute_url())


class WatchView(LoginRequiredMixin, CommunityForumMixin, View):
    def post(self, request, slug, thread_id=None, category_slug=None):
        if thread_id is not None:
            thread = permissions.get_thread_for_user_or_404(request.user, self.community, thread_id)
            watching = post_services.watch_toggle(actor=request.user, thread=thread)
            target = thread
        else:
            category = get_object_or_404(Category, community=self.community, slug=category_slug)
            watching = post_services.watch_toggle(actor=request.user, category=category)
            target = category
        messages.success(
            request,
            _("You are now watching this. We will tell you about new replies.")
            if watching
            else _("You have stopped watching this."),
        )
        return redirect(target)


class FlagView(LoginRequiredMixin, CommunityForumMixin, View):
    template_name = "forums/flag/index.html"

    def _post(self, request, post_id):
        post = permissions.get_post_for_user_or_404(request.user, self.community, post_id)
        permissions.require(
            permissions.can_flag(request.user, post), "You cannot report this post."
        )
        return post

    def get(self, request, slug, post_id):
        post = self._post(request, post_id)
        return render(
            request,
            self.template_name,
            {"community": self.community, "post": post, "form": FlagForm()},
        )

    def post(self, request, slug, post_id):
        post = self._post(request, post_id)
        form = FlagForm(request.POST)
        if form.is_valid():
            try:
                post_services.flag_create(actor=request.user, post=post, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Thank you. The facilitators will look at this post."))
                return redirect(post.get_absolute_url())
        return render(
            request,
            self.template_name,
            {"community": self.community, "post": post, "form": form},
            status=400,
        )


class MentionSearchView(LoginRequiredMixin, CommunityForumMixin, View):
    """Members whose names start with `q`, for the mention picker. Never shows e-mails."""

    def get(self, request, slug):
        permissions.require(
            permissions.can_start_thread(request.user, self.community), "Join to mention people."
        )
        query = request.GET.get("q", "").strip()[:50]
        people = []
        if len(query) >= 2:
            people = (
                User.objects.filter(
                    pk__in=Membership.objects.filter(community=self.community).values("user_id"),
                    display_name__icontains=query,
                    is_active=True,
                )
                .order_by("display_name")
                .values("pk", "display_name", "job_title")[:10]
            )
        return JsonResponse(
            {
                "results": [
                    {
                        "name": person["display_name"],
                        "detail": person["job_title"],
                        "markdown": mention_markdown(person["display_name"], person["pk"]),
                    }
                    for person in people
                ]
            }
        )


class ImageUploadView(LoginRequiredMixin, CommunityForumMixin, View):
    template_name = "forums/image_upload/index.html"

    def _check(self, request):
        permissions.require(
            permissions.can_start_thread(request.user, self.community), "Join to upload pictures."
        )

    def get(self, request, slug):
        self._check(request)
        return render(
            request, self.template_name, {"community": self.community, "form": ImageUploadForm()}
        )

    def post(self, request, slug):
        self._check(request)
        form = ImageUploadForm(request.POST, request.FILES)
        image = None
        if form.is_valid():
            try:
                picture = picture_from_upload(form.cleaned_data["image"])
            except ValidationError as error:
                form.add_error("image", error)
            else:
                image = PostImage(
                    community=self.community,
                    uploader=request.user,
                    alt_text=form.cleaned_data["alt_text"],
                )
                image.file.save("image.png", picture, save=True)
        context = {"community": self.community, "form": form, "image": image}
        if "application/json" in request.headers.get("Accept", ""):
            if image:
                return JsonResponse({"markdown": image.markdown, "url": image.url})
            errors = {name: [str(e) for e in errs] for name, errs in form.errors.items()}
            return JsonResponse({"errors": errors}, status=400)
        return render(request, self.template_name, context, status=200 if image else 400)


class ImageServeView(View):
    """Pictures are served only to people who may read the community they belong to."""

    def get(self, request, image_id: int, name: str):
        image = PostImage.objects.select_related("community").filter(pk=image_id).first()
        community_permissions.require_visible(
            request.user, image.community if image else None, "picture"
        )
        response = FileResponse(image.file.open("rb"), content_type="image/png")
        response["Content-Disposition"] = 'inline; filename="image.png"'
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, max-age=3600"
        return response

"""Comments on posts: write, reply (one level), edit and delete your own, facilitators hide and
restore, and the post's author or a facilitator closes comments. Every form works without
JavaScript; "Preview" shows the comment rendered by the same sanitiser and keeps what was typed.
A closed post refuses new comments whatever is posted to these addresses."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views import View

from copsite.markup import render_markdown

from .. import permissions, services
from ..forms import CommentEditForm, CommentForm, HideForm
from ..models import BlogPostPage


def _is_preview(request) -> bool:
    return request.POST.get("action") == "preview"


def _post_url(post: BlogPostPage, anchor: str = "comments") -> str:
    return f"{post.get_absolute_url()}#{anchor}"


class CommentCreateView(LoginRequiredMixin, View):
    """POST a comment on a post (the form is on the post page); errors and previews come back
    on a page of their own with everything typed kept."""

    template_name = "blogs/comment/index.html"

    def get(self, request, post_id: int):
        post = permissions.get_post_for_user_or_404(request.user, post_id)
        return redirect(_post_url(post))

    def post(self, request, post_id: int):
        post = permissions.get_post_for_user_or_404(request.user, post_id)
        form = CommentForm(request.POST)
        return handle_comment(request, post, form, parent=None, template=self.template_name)


def handle_comment(request, post, form, parent, template):
    context = {"post": post, "community": post.community, "form": form, "parent": parent}
    if not permissions.can_comment(request.user, post):
        context["problem"] = permissions.why_no_comment(request.user, post)
        return render(request, template, context, status=403)
    if _is_preview(request):
        form.is_valid()
        context["preview"] = render_markdown(request.POST.get("body", ""))
        return render(request, template, context)
    if form.is_valid():
        try:
            comment = services.comment_create(
                actor=request.user,
                post=post,
                body=form.cleaned_data["body"],
                parent=parent,
                submission_key=form.cleaned_data["submission_key"],
            )
        except ValidationError as error:
            form.add_error("body", error)
        else:
            messages.success(request, gettext("Your comment has been added."))
            return redirect(_post_url(post, comment.anchor))
    return render(request, template, context, status=400)


class CommentReplyView(LoginRequiredMixin, View):
    template_name = "blogs/comment/index.html"

    def _comment(self, request, comment_id):
        return permissions.get_comment_for_user_or_404(request.user, comment_id)

    def _problem(self, request, parent) -> str | None:
        if permissions.can_reply(request.user, parent):
            return None
        if parent.parent_id:
            return gettext("You can reply to comments, not to replies.")
        return permissions.why_no_comment(request.user, parent.post)

    def get(self, request, comment_id: int):
        parent = self._comment(request, comment_id)
        post = parent.post
        context = {"post": post, "community": post.community, "parent": parent}
        problem = self._problem(request, parent)
        if problem:
            context["problem"] = problem
            return render(request, self.template_name, context, status=403)
        context["form"] = CommentForm(label=gettext("Your reply"))
        return render(request, self.template_name, context)

    def post(self, request, comment_id: int):
        parent = self._comment(request, comment_id)
        form = CommentForm(request.POST, label=gettext("Your reply"))
        problem = self._problem(request, parent)
        if problem:
            context = {"post": parent.post, "community": parent.post.community, "parent": parent}
            context.update(form=form, problem=problem)
            return render(request, self.template_name, context, status=403)
        return handle_comment(
            request, parent.post, form, parent=parent, template=self.template_name
        )


class CommentEditView(LoginRequiredMixin, View):
    template_name = "blogs/comment_edit/index.html"

    def _comment(self, request, comment_id):
        comment = permissions.get_comment_for_user_or_404(request.user, comment_id)
        permissions.require(
            permissions.can_edit_comment(request.user, comment),
            permissions.why_no_edit_comment(request.user, comment),
        )
        return comment

    def _render(self, request, comment, form, preview=None, status=200, problem=""):
        context = {
            "comment": comment,
            "post": comment.post,
            "community": comment.post.community,
            "form": form,
            "preview": preview,
            "problem": problem,
        }
        return render(request, self.template_name, context, status=status)

    def get(self, request, comment_id: int):
        comment = self._comment(request, comment_id)
        return self._render(request, comment, CommentEditForm(initial={"body": comment.body}))

    def post(self, request, comment_id: int):
        comment = permissions.get_comment_for_user_or_404(request.user, comment_id)
        form = CommentEditForm(request.POST)
        if not permissions.can_edit_comment(request.user, comment):
            # Comments closed (or the person lost the right) while they were editing: say so
            # and give back what they wrote, so it is not lost.
            problem = permissions.why_no_edit_comment(request.user, comment)
            return self._render(request, comment, form, status=403, problem=problem)
        if _is_preview(request):
            form.is_valid()
            return self._render(
                request, comment, form, preview=render_markdown(request.POST.get("body", ""))
            )
        if form.is_valid():
            try:
                services.comment_edit(
                    actor=request.user, comment=comment, body=form.cleaned_data["body"]
                )
            except ValidationError as error:
                form.add_error("body", error)
            else:
                messages.success(request, gettext("Your comment has been changed."))
                return redirect(_post_url(comment.post, comment.anchor))
        return self._render(request, comment, form, status=400)


class CommentDeleteView(LoginRequiredMixin, View):
    template_name = "blogs/comment_delete/index.html"

    def _comment(self, request, comment_id):
        comment = permissions.get_comment_for_user_or_404(request.user, comment_id)
        permissions.require(
            permissions.can_delete_comment(request.user, comment),
            "You can only delete your own comments.",
        )
        return comment

    def get(self, request, comment_id: int):
        comment = self._comment(request, comment_id)
        context = {"comment": comment, "post": comment.post, "community": comment.post.community}
        return render(request, self.template_name, context)

    def post(self, request, comment_id: int):
        comment = self._comment(request, comment_id)
        services.comment_delete(actor=request.user, comment=comment)
        messages.success(request, gettext("Your comment has been deleted."))
        return redirect(_post_url(comment.post))


class CommentHideView(LoginRequiredMixin, View):
    template_name = "blogs/comment_hide/index.html"

    def _comment(self, request, comment_id):
        comment = permissions.get_comment_for_user_or_404(request.user, comment_id)
        permissions.require(
            permissions.can_hide_comment(request.user, comment),
            "Only the community's facilitators hide comments.",
        )
        return comment

    def _render(self, request, comment, form, status=200):
        context = {
            "comment": comment,
            "post": comment.post,
            "community": comment.post.community,
            "form": form,
        }
        return render(request, self.template_name, context, status=status)

    def get(self, request, comment_id: int):
        return self._render(request, self._comment(request, comment_id), HideForm())

    def post(self, request, comment_id: int):
        comment = self._comment(request, comment_id)
        form = HideForm(request.POST)
        if form.is_valid():
            try:
                services.comment_hide(
                    actor=request.user, comment=comment, reason=form.cleaned_data["reason"]
                )
            except ValidationError as error:
                form.add_error("reason", error)
            else:
                messages.success(request, gettext("The comment is hidden."))
                return redirect(_post_url(comment.post, comment.anchor))
        return self._render(request, comment, form, status=400)


class CommentRestoreView(LoginRequiredMixin, View):
    def get(self, request, comment_id: int):
        return HttpResponseNotAllowed(["POST"])

    def post(self, request, comment_id: int):
        comment = permissions.get_comment_for_user_or_404(request.user, comment_id)
        permissions.require(
            permissions.can_restore_comment(request.user, comment),
            "Only the community's facilitators show hidden comments again.",
        )
        services.comment_restore(actor=request.user, comment=comment)
        messages.success(request, gettext("The comment is visible again."))
        return redirect(_post_url(comment.post, comment.anchor))


class CommentsCloseView(LoginRequiredMixin, View):
    """POST closed=1 to close a post's comments, closed=0 to reopen them."""

    def get(self, request, post_id: int):
        return HttpResponseNotAllowed(["POST"])

    def post(self, request, post_id: int):
        post = permissions.get_post_for_user_or_404(request.user, post_id)
        closed = request.POST.get("closed") != "0"
        services.comments_set_closed(actor=request.user, post=post, closed=closed)
        messages.success(
            request,
            gettext("Comments are closed on this post.")
            if closed
            else gettext("Comments are open again."),
        )
        return redirect(_post_url(post))

from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordChangeForm
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from nghedan.audit.chain import record
from nghedan.lib.refusal import Refused
from nghedan.people import actions, signin
from nghedan.people.decorators import signed_in_required
from nghedan.people.forms import SignInForm


def sign_in(request):
    form = SignInForm(request, data=request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            user = form.user
            login(request, user)
            signin.forget_failures(user.get_username())
            record(user, "auth.sign_in", user, address=signin.client_address(request))
            target = request.POST.get("next") or request.GET.get("next") or ""
            if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
                target = reverse_lazy("shell:dashboard")
            return redirect(target)
        record(None, "auth.sign_in_failed", ("people.user", request.POST.get("username", "")[:64]),
               address=signin.client_address(request))
    return render(
        request,
        "people/sign_in.html",
        {"form": form, "next": request.GET.get("next", "")},
        status=400 if form.errors else 200,
    )


@require_POST
def sign_out(request):
    if request.user.is_authenticated:
        record(request.user, "auth.sign_out", request.user)
    logout(request)
    messages.info(request, _("Bạn đã đăng xuất."))
    return redirect("shell:home")


@signed_in_required
def account(request):
    form = PasswordChangeForm(request.user, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_change_password(request.user, form.cleaned_data["new_password1"])
        except Refused as refusal:
            form.add_error("new_password1", refusal.message)
        else:
            update_session_auth_hash(request, request.user)
            messages.success(request, _("Đã đổi mật khẩu."))
            return redirect("people:account")
    return render(request, "people/account.html", {"form": form}, status=400 if form.errors else 200)


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "people/password_reset.html"
    email_template_name = "people/password_reset_email.txt"
    subject_template_name = "people/password_reset_subject.txt"
    success_url = reverse_lazy("people:password_reset_done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "people/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "people/password_reset_confirm.html"
    success_url = reverse_lazy("people:password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        record(form.user, "person.password_reset", form.user)
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "people/password_reset_complete.html"


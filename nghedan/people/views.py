from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordChangeForm
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from nghedan.audit.chain import record
from nghedan.lib import ratelimit
from nghedan.lib.addresses import client_address
from nghedan.lib.refusal import Refused
from nghedan.people import actions, signin
from nghedan.people.access import is_staff_member
from nghedan.people.decorators import signed_in_required
from nghedan.people.forms import CitizenSignUpForm, SignInForm

SIGN_UPS_PER_HOUR = 5
RESETS_PER_HOUR = 5


def landing_page(user) -> str:
    """Where a sign-in goes when it was not sent from a page: officers to their dashboard,
    citizens to what they have sent."""
    return reverse("shell:dashboard" if is_staff_member(user) else "cases:mine")


def sign_in(request):
    form = SignInForm(request, data=request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            user = form.user
            login(request, user)
            signin.forget_failures(user.get_username())
            record(user, "auth.sign_in", user, address=client_address(request))
            target = request.POST.get("next") or request.GET.get("next") or ""
            if not url_has_allowed_host_and_scheme(
                target, {request.get_host()}, request.is_secure()
            ):
                target = landing_page(user)
            return redirect(target)
        record(
            None,
            "auth.sign_in_failed",
            ("people.user", request.POST.get("username", "")[:64]),
            address=client_address(request),
        )
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
    return render(
        request, "people/account.html", {"form": form}, status=400 if form.errors else 200
    )


def too_many(request, template: str, form):
    form.add_error(None, _("Bạn đã gửi quá nhiều lần. Vui lòng thử lại sau một giờ."))
    return render(request, template, {"form": form}, status=429)


def sign_up(request):
    """A citizen's own account, to follow what they sent. Feedback needs no account."""
    form = CitizenSignUpForm(data=request.POST or None)
    if request.method == "POST":
        address = client_address(request) or "?"
        if not ratelimit.allow("sign_up", address, limit=SIGN_UPS_PER_HOUR, window=3600):
            return too_many(request, "people/sign_up.html", form)
        if form.is_valid() and not form.cleaned_data["website"]:
            data = form.cleaned_data
            try:
                person = actions.do_create_person(
                    None,
                    username=data["username"],
                    full_name=data["full_name"],
                    email=data["email"],
                    phone=data["phone"],
                    password=data["password"],
                )
            except Refused as refusal:
                form.add_error(refusal.field, refusal.message)
            else:
                login(request, person, backend="django.contrib.auth.backends.ModelBackend")
                messages.success(request, _("Đã tạo tài khoản. Chào mừng bạn đến với Nghe Dân."))
                return redirect("shell:home")
        elif form.is_valid():
            form.add_error(None, _("Không gửi được biểu mẫu. Vui lòng tải lại trang và thử lại."))
    return render(
        request, "people/sign_up.html", {"form": form}, status=400 if form.errors else 200
    )


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "people/password_reset.html"
    email_template_name = "people/password_reset_email.txt"
    subject_template_name = "people/password_reset_subject.txt"
    success_url = reverse_lazy("people:password_reset_done")

    def post(self, request, *args, **kwargs):
        address = client_address(request) or "?"
        if not ratelimit.allow("password_reset", address, limit=RESETS_PER_HOUR, window=3600):
            return too_many(request, self.template_name, self.get_form())
        return super().post(request, *args, **kwargs)


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

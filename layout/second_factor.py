"""Staff's second factor: who must pass it, the admin site that refuses without it, enrolment, reset."""

from functools import update_wrapper

import segno
from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.cache import add_never_cache_headers
from django.utils.decorators import method_decorator
from django.utils.functional import SimpleLazyObject
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.i18n import set_language
from django_otp import devices_for_user, match_token
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from layout.models import SecurityEvent
from layout.security_log import record

RECOVERY_CODE_COUNT = 10

method_decorator_never_cache = method_decorator(never_cache)
method_sensitive_post_parameters = method_decorator(sensitive_post_parameters("token"))
method_csrf_protect = method_decorator(csrf_protect)


def must_use_second_factor(user):
    """Whether settings.LAYOUT_SECOND_FACTOR_ROLES makes this staff account pass a second factor."""
    roles = settings.LAYOUT_SECOND_FACTOR_ROLES
    if not roles:
        return False
    if "*" in roles or user.is_superuser:
        return True
    return user.groups.filter(name__in=roles).exists()


def is_verified(user):
    return bool(getattr(user, "is_verified", None) and user.is_verified())


def owes_second_factor(user):
    """A staff account past the password that still owes the second factor."""
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and user.is_staff
        and not is_verified(user)
        and must_use_second_factor(user)
    )


def awaiting_second_factor(request):
    return owes_second_factor(getattr(request, "user", None))


def has_device(user):
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


class SecondFactorMiddleware:
    """Outside the admin a session that owes the second factor is nobody: no staff preview of drafts."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path_info.startswith(reverse("admin:index")):
            # Lazy, as Django's own request.user: a page that never asks reads no session (no Vary: Cookie).
            user = request.user
            request.user = SimpleLazyObject(lambda: AnonymousUser() if owes_second_factor(user) else user)
        return self.get_response(request)


def safe_next(request, fallback):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return fallback


def second_factor_address(site, next_path):
    return reverse("admin:second_factor", current_app=site.name) + "?" + urlencode({"next": next_path})


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Code"),
        max_length=16,
        strip=True,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True, "autocapitalize": "none", "spellcheck": "false"}
        ),
    )


class LayoutAdminSite(admin.AdminSite):
    """The admin, opened only to staff who passed their second factor when their role must use one."""

    site_header = _("Shanghai key industry layout admin")
    site_title = _("Shanghai key industry layout admin")
    index_title = _("Records of the layout")

    def admin_view(self, view, cacheable=False):
        guarded = super().admin_view(view, cacheable)

        def inner(request, *args, **kwargs):
            # Signing out stays possible halfway through the sign-in.
            if awaiting_second_factor(request) and request.path != reverse("admin:logout", current_app=self.name):
                response = HttpResponseRedirect(second_factor_address(self, request.get_full_path()))
                add_never_cache_headers(response)
                return response
            if request.user.is_authenticated:
                # Saved again, so the idle clock (SESSION_COOKIE_AGE) restarts at each admin page; public
                # pages leave the session alone, so nothing of it reaches their (cacheable) answers.
                request.session.modified = True
            return guarded(request, *args, **kwargs)

        return update_wrapper(inner, view)

    @method_decorator_never_cache
    def login(self, request, extra_context=None):
        if request.method == "GET" and awaiting_second_factor(request):
            return HttpResponseRedirect(second_factor_address(self, safe_next(request, reverse("admin:index"))))
        return super().login(request, extra_context)

    def get_urls(self):
        return [
            path("second-factor/", self.second_factor, name="second_factor"),
            path("second-factor/enrol/", self.enrol, name="second_factor_enrol"),
            path("second-factor/recovery-codes/", self.admin_view(self.renew_recovery_codes), name="recovery_codes"),
            # The header's language switch (layout.admin_language): Django's view sets the language cookie.
            path("language/", set_language, name="language"),
            *super().get_urls(),
        ]

    def _signed_in_staff(self, request):
        user = request.user
        return user.is_authenticated and user.is_active and user.is_staff

    def _page(self, request, template, title, **context):
        return TemplateResponse(
            request,
            template,
            {**self.each_context(request), "title": title, "site_header": self.site_header, **context},
        )

    @method_decorator_never_cache
    @method_sensitive_post_parameters
    @method_csrf_protect
    def second_factor(self, request):
        """After the password: the authenticator app's code (or a recovery code) opens the admin."""
        if not self._signed_in_staff(request):
            return redirect("admin:login")
        next_path = safe_next(request, reverse("admin:index", current_app=self.name))
        if is_verified(request.user):
            return HttpResponseRedirect(next_path)
        if not has_device(request.user):
            return HttpResponseRedirect(
                reverse("admin:second_factor_enrol", current_app=self.name) + "?" + urlencode({"next": next_path})
            )
        form = TokenForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            device = match_token(request.user, form.cleaned_data["token"].replace(" ", "").lower())
            if device is not None:
                request.session.cycle_key()  # a new session key for the raised privilege
                otp_login(request, device)
                if isinstance(device, StaticDevice):
                    left = device.token_set.count()
                    record(SecurityEvent.Kind.RECOVERY_CODE_USED, request, user=request.user, detail=f"{left} left")
                    messages.warning(
                        request,
                        ngettext(
                            "You signed in with a recovery code: %(count)d is left.",
                            "You signed in with a recovery code: %(count)d are left.",
                            left,
                        )
                        % {"count": left},
                    )
                else:
                    record(SecurityEvent.Kind.SECOND_FACTOR_PASSED, request, user=request.user)
                return HttpResponseRedirect(next_path)
            record(SecurityEvent.Kind.SECOND_FACTOR_FAILED, request, user=request.user)
            form.add_error("token", _("This code is wrong or has expired. Enter the code your app shows now."))
        return self._page(
            request,
            "admin/second_factor.html",
            _("Second factor"),
            form=form,
            next=next_path,
        )

    @method_decorator_never_cache
    @method_sensitive_post_parameters
    @method_csrf_protect
    def enrol(self, request):
        """First sign-in (or after a reset): the authenticator app reads the QR code and proves it with a code."""
        if not self._signed_in_staff(request):
            return redirect("admin:login")
        next_path = safe_next(request, reverse("admin:index", current_app=self.name))
        if has_device(request.user):
            return HttpResponseRedirect(second_factor_address(self, next_path))
        device = TOTPDevice.objects.filter(user=request.user, confirmed=False).order_by("pk").first()
        if device is None:
            device = TOTPDevice.objects.create(user=request.user, name="authenticator", confirmed=False)
        form = TokenForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            if device.verify_token(form.cleaned_data["token"].replace(" ", "")):
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                TOTPDevice.objects.filter(user=request.user, confirmed=False).delete()
                codes = new_recovery_codes(request.user)
                request.session.cycle_key()
                otp_login(request, device)
                record(SecurityEvent.Kind.SECOND_FACTOR_ENROLLED, request, user=request.user)
                return self._page(
                    request, "admin/recovery_codes.html", _("Your recovery codes"), codes=codes, next=next_path
                )
            record(SecurityEvent.Kind.SECOND_FACTOR_FAILED, request, user=request.user, detail="enrolment")
            form.add_error("token", _("This code is wrong or has expired. Enter the code your app shows now."))
        secret = device_secret(device)
        return self._page(
            request,
            "admin/second_factor_enrol.html",
            _("Set up your second factor"),
            form=form,
            next=next_path,
            qr_code=segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2),
            secret=" ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            account=request.user.get_username(),
            issuer=settings.OTP_TOTP_ISSUER,
        )

    def renew_recovery_codes(self, request):
        """A new set of recovery codes (the old ones stop working), shown once."""
        if request.method != "POST":
            return self._page(request, "admin/recovery_codes.html", _("Your recovery codes"), codes=None)
        codes = new_recovery_codes(request.user)
        record(SecurityEvent.Kind.RECOVERY_CODES_RENEWED, request, user=request.user)
        return self._page(
            request,
            "admin/recovery_codes.html",
            _("Your recovery codes"),
            codes=codes,
            next=reverse("admin:index", current_app=self.name),
        )


def device_secret(device):
    from base64 import b32encode

    return b32encode(device.bin_key).decode("ascii").rstrip("=")


def new_recovery_codes(user):
    """Replace the user's recovery codes with new ones; returns them (they are shown once)."""
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name="recovery codes", defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@admin.action(description=_("Reset the second factor of the selected users (they enrol again at next sign-in)"))
def reset_second_factor(modeladmin, request, queryset):
    if not request.user.is_superuser:
        messages.error(request, _("Only a superuser may reset a second factor."))
        return
    for user in queryset:
        for device in devices_for_user(user, confirmed=None):
            device.delete()
        record(SecurityEvent.Kind.SECOND_FACTOR_RESET, request, user=user)
    messages.success(
        request,
        ngettext(
            "The second factor of %(count)d user was reset: they set up a new one at their next sign-in.",
            "The second factors of %(count)d users were reset: they set up new ones at their next sign-in.",
            queryset.count(),
        )
        % {"count": queryset.count()},
    )


def hide_device_admins():
    """Devices hold secrets (TOTP keys, recovery codes): no admin page shows them; reset is the action above."""
    site = admin.site
    for model in (TOTPDevice, StaticDevice):
        if site.is_registered(model):
            site.unregister(model)

"""Investors' enquiries: the privacy notice, the form and its spam defences, saving one and queueing its emails."""

import contextlib
import secrets
import time
from types import SimpleNamespace

from django import forms
from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import Http404
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from layout import analytics, mail_queue
from layout.models import Cluster, Enquiry, EnquiryCount, EnquiryLanguage, Project, Scenario

# The privacy notice a reader accepts (PIPL arts. 13, 14, 17, 19): who receives the enquiry, why, how long
# it is kept and how to have it deleted. Its text is fixed per version, in both languages, so that an
# enquiry's notice_version says exactly what was accepted: change the text = add a version.
NOTICE_VERSION = "2026-11-v1"
NOTICES = {
    "2026-11-v1": {
        "en": [
            "Your enquiry goes to the investment promotion office of {district}, which is responsible for {subject}, "
            "and to the city's investment promotion officials who help it. They use it only to answer you and to "
            "follow your enquiry up (PIPL art. 13: your consent). It is not published and not given to anyone else.",
            "We keep it for {days} days after you send it; then your name, organisation, contact details and "
            "message are deleted, and only an anonymous count (how many enquiries about what, per month) is kept.",
            "To see, correct or delete your data sooner, or to withdraw your consent, write to {contact} quoting "
            "your reference number: the office deletes it without delay.",
        ],
        "zh-hans": [
            "您的投资意向将发送给负责{subject}的{district}投资促进部门，以及协助其工作的市投资促进工作人员。"
            "这些信息仅用于答复和跟进您的意向（《个人信息保护法》第十三条：基于您的同意），不会公开，也不会提供给其他任何人。",
            "我们自您提交之日起保存{days}天；期满后删除您的姓名、机构、联系方式和留言，只保留匿名统计（每月关于哪些对象的意向数量）。",
            "如需查阅、更正或提前删除您的信息，或撤回同意，请写信至{contact}并注明您的编号，相关部门将及时删除。",
        ],
    }
}

REFERENCE_PREFIX = "SH25-"
# No 0/O or 1/I: a reference read out over the phone stays unambiguous.
REFERENCE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
REFERENCE_LENGTH = 8
# A form left open longer than this is sent again from a fresh page.
MAX_FORM_AGE = 24 * 3600
STARTED_SALT = "layout.enquiry.started"
SENT_SALT = "layout.enquiry.sent"
# The honeypot: a field people never see (moved off-screen by the style sheet, hidden from screen readers).
TRAP_FIELD = "website"


def new_reference():
    return REFERENCE_PREFIX + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))


def client_address(request):
    """The visitor's address for the rate limit (never stored): behind the HTTPS proxy, the address the proxy
    saw (the last one of X-Forwarded-For, the only one a client cannot forge); else the connection's."""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if settings.HTTPS and forwarded.strip():
        return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "")


# ---- What an enquiry is about ----


def subject_from(query):
    """The published cluster, scenario or project named by ?cluster=<slug>[&year=<year>], ?scenario=<id> or
    ?project=<id>, of a published edition."""
    try:
        if "cluster" in query:
            # A slug names a cluster in each edition that lists it: ?year= picks one, else the most recent.
            clusters = Cluster.objects.published().filter(slug=query["cluster"], edition__is_published=True)
            if query.get("year"):
                clusters = clusters.filter(edition__year=int(query["year"]))
            return clusters.select_related("district").order_by("-edition__year")[:1].get()
        if "scenario" in query:
            return (
                Scenario.objects.published()
                .filter(edition__is_published=True)
                .select_related("cluster__district")
                .get(pk=int(query["scenario"]))
            )
        if "project" in query:
            return (
                Project.objects.published()
                .filter(edition__is_published=True)
                .select_related("district", "cluster__district")
                .get(pk=int(query["project"]))
            )
    except (ValueError, TypeError, Cluster.DoesNotExist, Scenario.DoesNotExist, Project.DoesNotExist):
        pass
    raise Http404("No published cluster, scenario or project of that name.")


def _public_cluster(record):
    cluster = getattr(record, "cluster", None)
    return cluster if cluster is not None and cluster.is_published else None


def district_of(record):
    """The district whose office answers: a cluster's, a scenario's cluster's, a project's (or its cluster's)."""
    if isinstance(record, Cluster):
        return record.district
    if isinstance(record, Project) and record.district_id:
        return record.district
    cluster = getattr(record, "cluster", None)
    return cluster.district if cluster is not None else None


def subject_name(record, language=None):
    """The record's name in a language (the other one where it has none)."""
    zh, en = (record.title_zh, record.title_en) if isinstance(record, Scenario) else (record.name_zh, record.name_en)
    language = language or translation.get_language()
    return (zh or en) if language == "zh-hans" else (en or zh)


def subject_kind(record):
    if isinstance(record, Cluster):
        return _("Cluster")
    if isinstance(record, Scenario):
        return _("Open scenario")
    return _("Project")


def subject_snapshot(record):
    """Both names, kept with the enquiry: the record may be renamed or deleted later."""
    zh, en = subject_name(record, "zh-hans"), subject_name(record, "en")
    return zh + (f" / {en}" if en and en != zh else "")


def subject_query(record):
    return f"?{type(record).__name__.lower()}={record.slug if isinstance(record, Cluster) else record.pk}"


def subject_context(record):
    district = district_of(record)
    cluster = record if isinstance(record, Cluster) else _public_cluster(record)
    return {
        "record": record,
        "kind": subject_kind(record),
        "name": subject_name(record),
        "district": district,
        "cluster": cluster,
        "back_url": cluster.get_absolute_url() if cluster is not None else reverse_list(record),
    }


def reverse_list(record):
    return reverse("scenario_list") if isinstance(record, Scenario) else reverse("project_list")


def office_contact(record):
    """The address a reader writes to about their data: the cluster's, else the district's office."""
    cluster = record if isinstance(record, Cluster) else getattr(record, "cluster", None)
    if cluster is not None and cluster.enquiry_email:
        return cluster.enquiry_email
    district = district_of(record)
    return district.enquiry_email if district is not None else ""


def notice(record, language=None, version=NOTICE_VERSION):
    """The privacy notice's paragraphs for this subject, in the page's language."""
    language = "zh-hans" if (language or translation.get_language()) == "zh-hans" else "en"
    district = district_of(record)
    if language == "zh-hans":
        district_name = district.name_zh if district else "上海市"
        contact = office_contact(record) or "确认邮件的回复地址"
    else:
        district_name = district.name_en if district else "Shanghai"
        contact = office_contact(record) or "the reply address of the acknowledgement email"
    values = {
        "district": district_name,
        "subject": subject_name(record, language),
        "days": settings.LAYOUT_ENQUIRY_RETENTION_DAYS,
        "contact": contact,
    }
    return [paragraph.format(**values) for paragraph in NOTICES[version][language]]


# ---- The form ----


def started_token(at=None):
    """When the form was opened, signed so that a robot cannot claim it waited."""
    return signing.dumps(time.time() if at is None else at, salt=STARTED_SALT)


class EnquiryForm(forms.ModelForm):
    consent = forms.BooleanField(
        label=gettext_lazy("I have read the notice above and agree that my enquiry is handled as it says."),
        error_messages={"required": gettext_lazy("Tick the box to agree, or your enquiry cannot be sent.")},
    )
    started = forms.CharField(widget=forms.HiddenInput)
    # The honeypot: people never see it, robots fill every field.
    website = forms.CharField(
        label=gettext_lazy("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    class Meta:
        model = Enquiry
        fields = ["organisation", "contact_name", "email", "phone", "country", "message", "language"]
        widgets = {
            "message": forms.Textarea(attrs={"rows": 6, "maxlength": 4000}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "phone": forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
            "organisation": forms.TextInput(attrs={"autocomplete": "organization"}),
            "contact_name": forms.TextInput(attrs={"autocomplete": "name"}),
            "country": forms.TextInput(attrs={"autocomplete": "country-name"}),
        }
        help_texts = {"email": gettext_lazy("An email address or a phone number (or both).")}

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = EnquiryLanguage.choices
        if not self.is_bound:
            self.initial.setdefault("language", translation.get_language() or "en")
            self.initial["started"] = started_token()

    def is_robot(self):
        """A filled honeypot: refused without saying why."""
        return bool(self.data.get(TRAP_FIELD, "").strip())

    def clean_started(self):
        try:
            started = float(signing.loads(self.cleaned_data["started"], salt=STARTED_SALT))
        except (signing.BadSignature, TypeError, ValueError):
            raise forms.ValidationError(_("This form has expired: send it again from this page.")) from None
        waited = time.time() - started
        if waited > MAX_FORM_AGE:
            raise forms.ValidationError(_("This form has expired: send it again from this page."))
        if waited < settings.LAYOUT_ENQUIRY_MIN_SECONDS:
            raise forms.ValidationError(_("That was very quick: check your enquiry, then send it again."))
        return started


def fresh_form(form):
    """The form shown again after a refusal: what the reader typed, a new timestamp, consent to give again."""
    data = form.data.copy()
    data["started"] = started_token()
    form.data = data
    return form


# ---- Saving one ----


def submit(form, record, request):
    """Save the enquiry and queue its emails in one transaction; then try sending them once (a failure
    leaves them queued for `manage.py send_queued_mail`). Returns the saved enquiry."""
    enquiry = form.save(commit=False)
    enquiry.cluster = record if isinstance(record, Cluster) else None
    enquiry.scenario = record if isinstance(record, Scenario) else None
    enquiry.project = record if isinstance(record, Project) else None
    enquiry.subject_type = type(record).__name__.lower()
    enquiry.subject = subject_snapshot(record)[:400]
    enquiry.district = district_of(record)
    enquiry.notice_version = NOTICE_VERSION
    enquiry.consented_at = timezone.now()
    admin_url = request.build_absolute_uri(reverse("admin:layout_enquiry_changelist"))
    for _attempt in range(5):
        enquiry.reference = new_reference()
        try:
            with transaction.atomic():
                enquiry.save()
                mails = queue_mails(enquiry, record, admin_url)
            break
        except IntegrityError:
            if Enquiry.objects.filter(reference=enquiry.reference).exists():
                enquiry.pk = None
                continue  # the one-in-a-trillion clash of references: draw another
            raise
    cluster = record if isinstance(record, Cluster) else getattr(record, "cluster", None)
    if cluster is not None:
        # The dashboard's enquiries per cluster (a count only: nothing of the sender).
        with contextlib.suppress(ValueError):  # a slug the counts cannot hold: the enquiry itself is saved
            analytics.count("enquiry", cluster=cluster)
    mail_queue.send(mails)
    return enquiry


def queue_mails(enquiry, record, admin_url):
    mails = []
    office = enquiry.office_email()
    if enquiry.email:
        with translation.override(enquiry.language):
            mails.append(
                mail_queue.queue(
                    enquiry.email,
                    _("Your enquiry %(reference)s: received") % {"reference": enquiry.reference},
                    acknowledgement_text(enquiry, record),
                    enquiry=enquiry,
                    reply_to=office,
                )
            )
    if office:
        # The office's notice names no one: the personal data stays in the admin, behind its sign-in.
        with translation.override("zh-hans"):
            mails.append(
                mail_queue.queue(
                    office,
                    _("New enquiry %(reference)s: %(subject)s")
                    % {"reference": enquiry.reference, "subject": enquiry.subject},
                    _(
                        "A new enquiry has arrived about %(subject)s (reference %(reference)s). Sign in to read "
                        "and follow it up: %(url)s"
                    )
                    % {"subject": enquiry.subject, "reference": enquiry.reference, "url": admin_url},
                    enquiry=enquiry,
                )
            )
    return mails


def acknowledgement_text(enquiry, record):
    paragraphs = [
        _("Thank you for your enquiry about %(subject)s.") % {"subject": subject_name(record)},
        _("Your reference number is %(reference)s. The investment promotion office will answer you.")
        % {"reference": enquiry.reference},
        _("Your message:"),
        enquiry.message,
        *notice(record, translation.get_language(), enquiry.notice_version),
    ]
    return "\n\n".join(paragraphs)


def sent_token(enquiry):
    return signing.dumps({"reference": enquiry.reference, "subject": enquiry.subject}, salt=SENT_SALT)


def sent_from(token):
    """What the "sent" page shows (reference and subject, nothing personal), from its signed address."""
    try:
        value = signing.loads(token, salt=SENT_SALT, max_age=MAX_FORM_AGE)
    except signing.BadSignature:
        raise Http404("Unknown enquiry.") from None
    return SimpleNamespace(reference=value.get("reference", ""), subject=value.get("subject", ""))


# ---- Erasing one: past the retention period, or when its sender asks ----


def erase(queryset):
    """Delete the enquiries (their personal data), with their emails and follow-up history, adding each to the
    anonymous counts per month, subject, district and status. Returns how many were deleted."""
    with transaction.atomic():
        # of=self: PostgreSQL refuses to lock the nullable outer joins of select_related.
        doomed = list(queryset.select_for_update(of=("self",)).select_related("scenario", "project").order_by("pk"))
        for enquiry in doomed:
            cluster_id = (
                enquiry.cluster_id
                or (enquiry.scenario.cluster_id if enquiry.scenario else None)
                or (enquiry.project.cluster_id if enquiry.project else None)
            )
            count, _created = EnquiryCount.objects.get_or_create(
                month=timezone.localtime(enquiry.created_at).date().replace(day=1),
                cluster_id=cluster_id,
                district_id=enquiry.district_id,
                subject=enquiry.subject,
                status=enquiry.status,
            )
            EnquiryCount.objects.filter(pk=count.pk).update(count=F("count") + 1)
        ids = [enquiry.pk for enquiry in doomed]
        Enquiry.objects.filter(pk__in=ids).delete()  # their queued and sent emails with them (CASCADE)
        # The follow-up history holds no sender's data, but notes and outcomes may name people: it goes too
        # (after the deletion, which itself adds a history row).
        Enquiry.history.filter(id__in=ids).delete()
    return len(ids)

"""Replace Wagtail's welcome page with our home page and an accessibility statement."""

from django.db import migrations

ACCESSIBILITY_STATEMENT = """
<p>We want as many people as possible to be able to use this site. You should be able to
change colours, contrast levels and fonts, zoom in up to 400% without the text spilling off
the screen, navigate the whole site using just a keyboard or speech recognition software,
and listen to it using a screen reader.</p>
<h2>How accessible this site is</h2>
<p>We build and test the site to meet the Web Content Accessibility Guidelines (WCAG) 2.2
at level AA. Every page works without JavaScript and on small screens. We check pages
automatically with axe-core as part of every change.</p>
<h2>Reporting accessibility problems</h2>
<p>If you find a problem that is not listed here, tell the site's administrators. We aim
to reply within 5 working days.</p>
<h2>Enforcement procedure</h2>
<p>If you are not happy with how we respond to your complaint, contact the Equality
Advisory and Support Service (EASS).</p>
"""

HOME_INTRO = (
    "<p>One place for people in public service to share good practice, ask questions and "
    "learn from each other.</p>"
)


def create_site_pages(apps, schema_editor):
    ContentType = apps.get_model("contenttypes.ContentType")
    Page = apps.get_model("wagtailcore.Page")
    Site = apps.get_model("wagtailcore.Site")
    Locale = apps.get_model("wagtailcore.Locale")
    HomePage = apps.get_model("pages.HomePage")
    StandardPage = apps.get_model("pages.StandardPage")

    locale = Locale.objects.order_by("pk").first()
    if locale is None:
        locale = Locale.objects.create(language_code="en")
    Page.objects.filter(depth=2, slug="home", content_type__app_label="wagtailcore").delete()
    Site.objects.all().delete()

    home_type, _ = ContentType.objects.get_or_create(app_label="pages", model="homepage")
    standard_type, _ = ContentType.objects.get_or_create(app_label="pages", model="standardpage")
    existing_paths = set(Page.objects.filter(depth=2).values_list("path", flat=True))
    home_path = next(f"0001{n:04d}" for n in range(1, 9999) if f"0001{n:04d}" not in existing_paths)
    home = HomePage.objects.create(
        title="Welcome to Copsite",
        draft_title="Welcome to Copsite",
        slug="home",
        content_type=home_type,
        path=home_path,
        depth=2,
        numchild=1,
        url_path="/home/",
        locale=locale,
        live=True,
        intro=HOME_INTRO,
    )
    StandardPage.objects.create(
        title="Accessibility statement",
        draft_title="Accessibility statement",
        slug="accessibility",
        content_type=standard_type,
        path=home_path + "0001",
        depth=3,
        numchild=0,
        url_path="/home/accessibility/",
        locale=locale,
        live=True,
        body=ACCESSIBILITY_STATEMENT,
    )
    root = Page.objects.get(depth=1)
    root.numchild = Page.objects.filter(depth=2).count()
    root.save(update_fields=["numchild"])
    Site.objects.create(
        hostname="localhost", port=80, root_page=home, is_default_site=True, site_name="Copsite"
    )


def remove_site_pages(apps, schema_editor):
    Page = apps.get_model("wagtailcore.Page")
    Page.objects.filter(depth=2, slug="home", content_type__app_label="pages").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("pages", "0001_initial"),
        ("wagtailcore", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_site_pages, remove_site_pages)]

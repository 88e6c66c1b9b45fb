"""The community pages' tests make blog posts (the one section there is), with the blog tests'
settings."""

from tests.blogs.conftest import _blog_settings  # noqa: F401  (an autouse fixture)

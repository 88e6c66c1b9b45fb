"""The community's place in Wagtail's page tree, shared by every section that hangs from it.

/c/ (`CommunitiesIndexPage`) holds one `CommunityPage` per community; each section (the blog
today; the wiki, library and events next) registers its page type under it
(`sections.register_section_page`). This app also keeps what every section's pages need: the
access and workflow mixins, the rule for which pages the Wagtail admin hides from whom, the
community's collection, and the documents' access hook.
"""

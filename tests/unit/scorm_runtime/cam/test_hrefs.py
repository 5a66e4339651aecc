"""hrefs: xml:base (SCORM CAM 3.4.3.1), item parameters (SCORM CAM 3.4.3.3), package members (launch-api.md)."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scorm_runtime.cam.hrefs import BadHref, apply_bases, launch_url, package_path


@pytest.mark.parametrize("href, parameters, url", [
    ("a.html", None, "a.html"),
    ("a.html", "?x=1", "a.html?x=1"),
    ("a.html", "x=1", "a.html?x=1"),
    ("a.html", "&x=1", "a.html?x=1"),
    ("a.html?y=2", "?x=1", "a.html?y=2&x=1"),
    ("a.html?y=2", "x=1", "a.html?y=2&x=1"),
    ("a.html", "#part", "a.html#part"),
    ("a.html#top", "#part", "a.html#top"),
    ("a.html?y=2", "#part", "a.html?y=2"),
    ("a.html", "?", "a.html"),
])
def test_parameters_join_the_launch_href(href, parameters, url):
    # SCORM CAM 3.4.3.3 Handling Additional Parameters as Part of URLs
    assert launch_url(href, parameters) == url


@pytest.mark.parametrize("bases, href, url", [
    (["", "content/", "unit1/"], "page.html", "content/unit1/page.html"),
    (["course"], "page.html", "course/page.html"),
    (["content/"], "http://example.com/a.html", "http://example.com/a.html"),
    (["http://cdn.example.com/pkg/", "sco/"], "a.html", "http://cdn.example.com/pkg/sco/a.html"),
    ([], "a.html", "a.html"),
])
def test_xml_base_values_apply_outermost_first(bases, href, url):
    # SCORM CAM 3.4.3.1 Handling the XML Base Attribute
    assert apply_bases(bases, href) == url


@pytest.mark.parametrize("href, path", [
    ("a/b.html?x=1#y", "a/b.html"), ("a//./b.html", "a/b.html"), ("a/../b.html", "b.html"),
    ("my%20page.html", "my page.html"), ("caf%C3%A9.html", "café.html")])
def test_package_path_decodes_and_normalises(href, path):
    # launch-api.md SCORM specifics: percent-decoded, query and fragment dropped
    assert package_path(href) == path


@pytest.mark.parametrize("href", ["../a.html", "/a.html", "ftp://h/a", "data:text/html,x", "%ff.html", "?x=1",
                                  "a/%00.html"])
def test_package_path_refuses_what_is_not_a_member(href):
    with pytest.raises(BadHref):
        package_path(href)


@given(st.text(max_size=60))
def test_package_path_never_leaves_the_root(href):
    try:
        path = package_path(href)
    except BadHref:
        return
    assert not path.startswith("/") and ".." not in path.split("/") and "" not in path.split("/")

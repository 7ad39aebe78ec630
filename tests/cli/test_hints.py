"""Every hint is a command that works as written for the situation at hand."""

from __future__ import annotations


def test_a_config_hint_names_the_profile_in_use(cli):
    assert cli("--profile", "fromstack", "config", "init", "--controller", "https://avi.example.com").exit_code == 0
    r = cli("-p", "fromstack", "vs", "list")
    assert r.exit_code == 5, r
    assert "avictl --profile fromstack config set username NAME" in r.stderr, r.stderr


def test_vs_show_hint_does_not_offer_a_flag_vs_show_rejects(cli, avi_lab, avi_env):
    r = cli("vs", "show", "nope", env=avi_env)
    assert r.exit_code == 3
    hint = r.stderr.split("hint:", 1)[1]
    assert "vs list --all-tenants" in hint and "vs show" not in hint.split("--all-tenants")[0].split("`")[-1]


def test_retarget_to_an_app_marathon_does_not_have(cli, seed_lab):
    r = cli("elb", "retarget", "--app", "/nope", "--dry-run", env=seed_lab["env"])
    assert r.exit_code == 3, r
    assert "not found in Marathon" in r.stderr and "yet" not in r.stderr, r.stderr


def test_connection_hint_points_where_the_url_is_set(cli):
    r = cli("app", "list", env={"MARATHON_URL": "http://127.0.0.1:9"})
    assert r.exit_code == 6
    assert "in your profile" not in r.stderr and "config show --sources" in r.stderr
    sources = cli("config", "show", "--sources", "-o", "tsv", env={"MARATHON_URL": "http://127.0.0.1:9"})
    assert "env:MARATHON_URL" in sources.stdout, sources

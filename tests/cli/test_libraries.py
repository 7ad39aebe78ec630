"""-o yaml is PyYAML's safe dumper (dates and numbers in strings stay strings); `config
set/unset/use` edit the TOML file in place (tomlkit), keeping the user's comments."""

from __future__ import annotations

import tomllib

import yaml


def test_yaml_keeps_timestamps_and_number_like_strings_as_strings(cli, config_file):
    config_file.write_text('[profiles.default]\ncontroller = "https://avi.example.com"\nusername = "2026-12-07"\n'
                           'tenant = "1e3"\n')
    r = cli("config", "show", "-o", "yaml")
    assert r.exit_code == 0, r
    data = yaml.safe_load(r.stdout)
    assert data["username"] == "2026-12-07" and data["tenant"] == "1e3", r.stdout


def test_yaml_of_a_list_is_a_list_of_mappings(cli, config_file):
    config_file.write_text('[profiles.a]\ncontroller = "https://a.example.com"\n'
                           '[profiles.b]\ncontroller = "https://b.example.com"\n')
    r = cli("config", "list", "-o", "yaml")
    assert r.exit_code == 0, r
    rows = yaml.safe_load(r.stdout)
    assert isinstance(rows, list) and [row["name"] for row in rows] == ["a", "b"], r.stdout


def test_config_edits_keep_the_users_comments(cli, config_file):
    config_file.write_text("# my avictl settings\n\n"
                           "[profiles.prod]  # production, handle with care\n"
                           'controller = "https://avi.prod.example.com"  # the cluster VIP\n'
                           'username = "admin"\n')
    assert cli("--profile", "prod", "config", "set", "elb", "prod-elb").exit_code == 0
    assert cli("--profile", "prod", "config", "unset", "username").exit_code == 0
    assert cli("config", "use", "prod").exit_code == 0
    text = config_file.read_text()
    for comment in ("# my avictl settings", "# production, handle with care", "# the cluster VIP"):
        assert comment in text, text
    data = tomllib.loads(text)
    assert data["default_profile"] == "prod"
    assert data["profiles"]["prod"] == {"controller": "https://avi.prod.example.com", "elb": "prod-elb"}

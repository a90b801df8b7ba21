from datetime import date

import pytest

from govaudit.core.config import ConfigError, check_rules, load_config


def _profile(tmp_path, text: str):
    path = tmp_path / "site.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_profile_values_and_cli_overrides(tmp_path):
    path = _profile(
        tmp_path,
        '[site]\nname = "某市人社局"\nstart_urls = ["http://127.0.0.1:8000/"]\n'
        "[crawl]\nmax_pages = 50\nconcurrency = 3\ndownload_delay = 1\n",
    )
    config = load_config(path, as_of=date(2024, 1, 2), concurrency=5)
    assert config.site_name == "某市人社局"
    assert config.allowed_hosts == ("127.0.0.1",)
    assert (config.max_pages, config.concurrency, config.download_delay) == (50, 5, 1.0)


@pytest.mark.parametrize(
    "text, message",
    [
        ("[crawl]\nmax_pages = 0\n", "crawl.max_pages 应为正整数"),
        ('[crawl]\nmax_pages = "many"\n', "crawl.max_pages 应为整数"),
        ("[crawl]\nobey_robots = 1\n", "crawl.obey_robots 应为布尔值（true 或 false）"),
        ('[crawl]\nautothrottle = "off"\n', "crawl.autothrottle 应为布尔值（true 或 false）"),
        ("[crawl]\nspeed = 1\n", "crawl.speed 不是可用的设置"),
        ('[crawl]\nexclude = ["("]\n', "crawl.exclude：'(' 不是有效的正则表达式"),
        ("[oops]\n", "[oops] 不是可用的表"),
        ("[crawl\n", "不是有效的 TOML"),
    ],
)
def test_mistakes_name_the_key(tmp_path, text, message):
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace("[", r"\[")):
        load_config(_profile(tmp_path, text), start_url="http://127.0.0.1/")


def test_start_url_must_be_http(tmp_path):
    with pytest.raises(ConfigError, match="应为 http"):
        load_config(None, start_url="file:///etc/passwd")
    with pytest.raises(ConfigError, match="start_urls 缺失"):
        load_config(None)


def test_check_rules_merge_tables_and_check_types(tmp_path):
    defaults = {"thresholds": {"动态": 14, "通知": 180}, "homepage_days": 14}
    path = _profile(tmp_path, '[checks.stale_column]\nthresholds = { "动态" = 7 }\n')
    config = load_config(path, start_url="http://127.0.0.1/")
    rules = check_rules(config, "stale_column", defaults)
    assert rules == {"thresholds": {"动态": 7, "通知": 180}, "homepage_days": 14}
    bad = load_config(
        _profile(tmp_path, '[checks.stale_column]\nhomepage_days = "x"\n'),
        start_url="http://127.0.0.1/",
    )
    with pytest.raises(ConfigError, match="checks.stale_column.homepage_days 应为整数"):
        check_rules(bad, "stale_column", defaults)


def test_autothrottle_is_on_unless_the_profile_turns_it_off(tmp_path):
    from govaudit.crawler.settings import crawl_settings

    polite = load_config(None, start_url="http://127.0.0.1/")
    assert crawl_settings(polite)["AUTOTHROTTLE_ENABLED"] and polite.autothrottle
    bench = load_config(_profile(tmp_path, "[crawl]\nautothrottle = false\n"), "http://127.0.0.1/")
    assert not crawl_settings(bench)["AUTOTHROTTLE_ENABLED"]


def test_a_profile_saved_with_a_bom_is_read(tmp_path):
    """Windows 记事本 writes UTF-8 with a byte-order mark; tomllib alone refuses it at line 1."""
    path = tmp_path / "site.toml"
    path.write_bytes(
        '\ufeff[site]\nname = "某区政府"\nstart_urls = ["http://127.0.0.1:8000/"]\n'.encode()
    )
    config = load_config(path)
    assert (config.site_name, config.start_urls) == ("某区政府", ("http://127.0.0.1:8000/",))


def test_a_string_where_a_list_is_wanted_is_a_list(tmp_path):
    path = _profile(
        tmp_path,
        '[site]\nstart_urls = "http://127.0.0.1:8000/"\nallowed_hosts = "127.0.0.1"\n'
        '[crawl]\nexclude = "/search/"\n',
    )
    config = load_config(path)
    assert config.start_urls == ("http://127.0.0.1:8000/",)
    assert config.allowed_hosts == ("127.0.0.1",)
    assert config.exclude == ("/search/",)
    words = load_config(
        _profile(tmp_path, '[checks.words]\nwhitelist_terms = "筚路蓝缕"\n'),
        start_url="http://127.0.0.1/",
    )
    rules = check_rules(words, "words", {"whitelist_terms": []})
    assert rules == {"whitelist_terms": ["筚路蓝缕"]}


def test_a_number_where_a_list_is_wanted_is_still_refused(tmp_path):
    with pytest.raises(ConfigError, match="start_urls"):
        load_config(_profile(tmp_path, "[site]\nstart_urls = 42\n"))


def test_profile_wordlists_are_relative_to_the_profile_and_flags_to_the_command(
    tmp_path, monkeypatch
):
    from govaudit.audit import validated_rules

    folder = tmp_path / "profiles"
    folder.mkdir()
    (folder / "mine.tsv").write_text("按装\ttypo\t安装\n", encoding="utf-8")
    profile = folder / "site.toml"
    profile.write_text(
        '[site]\nstart_urls = ["http://127.0.0.1:9/"]\n[checks.words]\nwordlists = ["mine.tsv"]\n',
        encoding="utf-8",
    )
    (tmp_path / "flag.tsv").write_text("松驰\ttypo\t松弛\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    config = load_config(profile, wordlists=("flag.tsv",))
    assert validated_rules(config)["words"]["wordlists"] == [str(folder / "mine.tsv"), "flag.tsv"]

    profile.write_text(
        '[site]\nstart_urls = ["http://127.0.0.1:9/"]\n[checks.words]\nwordlists = ["gone.tsv"]\n',
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match="不存在") as e:
        validated_rules(load_config(profile))
    assert str(folder / "gone.tsv") in str(e.value)


def test_a_renamed_check_section_is_still_read(tmp_path):
    from govaudit.audit import validated_rules

    profile = tmp_path / "site.toml"
    start = '[site]\nstart_urls = ["http://127.0.0.1:9/"]\n'
    profile.write_text(start + '[checks.attachments]\nseverity = "major"\n', encoding="utf-8")
    assert validated_rules(load_config(profile))["unreadable_attachment"]["severity"] == "major"

    both = '[checks.attachments]\nseverity = "major"\n[checks.unreadable_attachment]\n'
    profile.write_text(start + both, encoding="utf-8")
    with pytest.raises(
        ConfigError, match=r"\[checks.attachments\] 是 \[checks.unreadable_attachment\] 的旧名称"
    ):
        validated_rules(load_config(profile))

"""The end-of-run account of skipped tests, run by pytest itself (pytester)."""

pytest_plugins = ["pytester"]


def test_skips_are_grouped_by_reason_with_their_cure(pytester):
    pytester.makeconftest('pytest_plugins = ["skip_summary"]')
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.skipif(True, reason="no redis-server on PATH")
        def test_a(): pass

        @pytest.mark.skipif(True, reason="no redis-server on PATH")
        def test_b(): pass

        def test_c():
            pytest.skip("no chromium on this machine")

        def test_d(): pass
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, skipped=3)
    result.stdout.fnmatch_lines(
        [
            "*跳过了 3 项测试，原因如下*",
            "2 项：no redis-server on PATH",
            "    → 安装 redis-server*",
            "1 项：no chromium on this machine",
            "    → 安装 chromium 和 fonts-noto-cjk*",
        ]
    )


def test_a_run_without_skips_says_so(pytester):
    pytester.makeconftest('pytest_plugins = ["skip_summary"]')
    pytester.makepyfile("def test_ok(): pass")
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.stdout.fnmatch_lines(["*没有跳过任何测试*"])

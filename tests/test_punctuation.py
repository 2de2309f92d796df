"""Chinese text uses full-width punctuation (issue 16): ，：；（） not , : ; ( ).

The rule is applied by scripts/fullwidth_punctuation.py; these tests pin what it changes
and what it leaves alone, and that the repository has nothing left to change."""

import importlib.util
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "fullwidth_punctuation.py"
spec = importlib.util.spec_from_file_location("fullwidth_punctuation", SCRIPT)
fullwidth = importlib.util.module_from_spec(spec)
spec.loader.exec_module(fullwidth)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "已发送 %(sent)s 条续签提醒,%(marked)s 名合伙人进入续签期。",
            "已发送 %(sent)s 条续签提醒，%(marked)s 名合伙人进入续签期。",
        ),
        ("协议文本(PDF)已是最新版本;无需重新生成。", "协议文本（PDF）已是最新版本；无需重新生成。"),
        (
            "协议起始日不能早于 %(earliest)s(起草当天前%(days)s天)",
            "协议起始日不能早于 %(earliest)s（起草当天前%(days)s天）",
        ),
        ("%(kind)s,%(start)s 至 %(end)s,%(status)s。", "%(kind)s，%(start)s 至 %(end)s，%(status)s。"),
        ("办法四(二)2", "办法四（二）2"),
        ("时间:每周六上午9:00—11:30", "时间：每周六上午9:00—11:30"),  # a clock time keeps its colon
        ("共 1,000 条", "共 1,000 条"),  # and a number its comma
        ("详见 https://example.cn/a:b,c 页面", "详见 https://example.cn/a:b,c 页面"),
        (
            "The street committee (党工委会议) admitted the applicant.",
            "The street committee (党工委会议) admitted the applicant.",
        ),
        ("Partner, active", "Partner, active"),
        ("%(name)s:\\n\\n您好", "%(name)s：\\n\\n您好"),  # an escaped line break is white space
        ("%(name)s：您好!感谢您的评价!", "%(name)s：您好！感谢您的评价！"),
        ("是否存在利益冲突?", "是否存在利益冲突？"),
        (
            "查看 /calls/?status=open 或 {{ url }}?page=2",
            "查看 /calls/?status=open 或 {{ url }}?page=2",
        ),  # a query string
        ("Is it done? Yes!", "Is it done? Yes!"),
    ],
)
def test_convert_changes_chinese_punctuation_only(text, expected):
    assert fullwidth.convert(text) == expected


def test_convert_python_leaves_code_docstrings_and_raw_strings_alone():
    source = (
        '"""Rulebook 四(二)2."""\n'
        'PATTERN = r"第(\\d+)页"\n'
        'message = _("名称(必填)") + f"{escape(f\'服务统计-{stamp}.csv\')}:已导出,共{n}条"\n'
    )
    assert fullwidth.convert_python(source) == (
        '"""Rulebook 四(二)2."""\n'
        'PATTERN = r"第(\\d+)页"\n'
        'message = _("名称（必填）") + f"{escape(f\'服务统计-{stamp}.csv\')}：已导出，共{n}条"\n'
    )


def test_convert_template_text_and_translated_strings_keep_tags():
    source = (
        '{% translate "当前状态" %}:{{ partner.status }}(<a href="{% url "x" %}">{% translate "详情" %}</a>)\n'
        "{% blocktranslate with n=count %}共 {{ n }} 条,其中:{% endblocktranslate %}\n"
        '<script>alert("提示:请确认");</script>'
    )
    assert fullwidth.convert_template(source) == (
        '{% translate "当前状态" %}：{{ partner.status }}（<a href="{% url "x" %}">{% translate "详情" %}</a>）\n'
        "{% blocktranslate with n=count %}共 {{ n }} 条，其中：{% endblocktranslate %}\n"
        '<script>alert("提示：请确认");</script>'
    )


def test_convert_po_changes_msgids_as_their_source_and_keeps_msgstr():
    source = 'msgid ""\n"%(name)s:\\n"\n"您好,欢迎"\nmsgstr "%(name)s:\\nHello, welcome"\n'
    assert fullwidth.convert_po(source) == (
        'msgid ""\n"%(name)s：\\n"\n"您好，欢迎"\nmsgstr "%(name)s:\\nHello, welcome"\n'
    )


def test_repository_chinese_text_uses_fullwidth_punctuation():
    left = []
    for path in fullwidth.project_files():
        before, after = fullwidth.changes(path)
        left += [
            f"{path.relative_to(fullwidth.ROOT)}:{n}: {new.strip()}"
            for n, (old, new) in enumerate(zip(before.splitlines(), after.splitlines(), strict=True), 1)
            if old != new
        ]
    assert left == [], "run scripts/fullwidth_punctuation.py --write"

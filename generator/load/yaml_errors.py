"""PyYAML's syntax errors in Chinese, with a hint and the position an editor should look at.

PyYAML reports where it *noticed* a problem, which is often lines after the cause: an unclosed
quote is noticed at the end of the file or where the next quote happens to close it, a
full-width colon（：）on the line after the key. ``describe`` maps the usual messages to a
one-line Chinese explanation and moves the position back to the cause where it can tell.
Anything it does not recognise keeps PyYAML's words inside ``YAML 格式错误（…）``.
"""

from __future__ import annotations

import re

import yaml

_PREFIX = "YAML 格式错误："

# PyYAML problem text (regex) → Chinese explanation. The first that matches wins.
_PROBLEMS: tuple[tuple[str, str], ...] = (
    (r"found character '\\t' that cannot start any token|found a tab character",
     "这一行用了制表符（Tab）；YAML 的缩进和分隔只能用空格"),
    (r"found character '(.)' that cannot start any token",
     "文字不能以“{0}”开头；请给这段文字加引号"),
    (r"mapping values are not allowed here",
     "这里不能出现“冒号加空格”；如果文字本身含有“: ”，请给整段文字加引号，也可能是这一行或上一行的缩进不对"),
    (r"expected <block end>, but found '(?:-|<block sequence start>)'|did not find expected '-' indicator",
     "缩进不对齐：列表项“- ”的缩进与同一列表的其他项不一致"),
    (r"expected <block end>, but found",
     "缩进不对齐：这一行的缩进与同一层的其他行不一致（也可能是上面的引号或括号没有闭合）"),
    (r"did not find expected key",
     "这一行应为“键: 值”，或缩进与同一层的其他行不一致"),
    (r"did not find expected node content",
     "这里缺少值，或多了一个符号（例如“- ”或“,”后面是空的）"),
    (r"expected ',' or '\]', but got",
     "方括号“[ ]”没有闭合，或其中两项之间少了逗号“,”"),
    (r"expected ',' or '\}', but got",
     "花括号“{{ }}”没有闭合，或其中两项之间少了逗号“,”"),
    (r"but found another document",
     "一个文件只能有一个 YAML 文档：这里出现了第二个文档分隔符（“---”或“...”）"),
    (r"found unknown escape character '(.*)'",
     "双引号中的“\\{0}”不是合法的转义；要写反斜杠请写成“\\\\”，或改用单引号"),
    (r"expected escape sequence of \d+ hexadecimal numbers",
     "双引号中的“\\x”“\\u”转义不完整；要写反斜杠请写成“\\\\”，或改用单引号"),
    (r"found undefined alias '(.*)'",
     "别名“*{0}”没有对应的锚点“&{0}”；文字以 * 开头时请加引号"),
    (r"expected alphabetic or numeric character",
     "“&”或“*”后面应为锚点名；文字以 & 或 * 开头时请加引号"),
    (r"found duplicate anchor '(.*)'",
     "锚点名“&{0}”重复"),
    (r"mapping keys are not allowed here",
     "这里不能出现“? ”；文字以 ? 开头时请加引号"),
    (r"expected chomping or indentation indicators",
     "“|”或“>”后面只能是缩进数字或“+”“-”"),
    (r"could not determine a constructor for the tag '(.*)'",
     "不支持的 YAML 标签 {0}"),
    (r"found unhashable key|found unacceptable key",
     "键必须是文字"),
    (r"expected a comment or a line break",
     "这里只能是注释（#）或换行"),
)


def _quote_start(exc: yaml.MarkedYAMLError, text: str) -> yaml.Mark | None:
    """Where a quoted text that never closed (or closed far too late) was opened, if that explains ``exc``."""
    if (exc.context and "quoted scalar" in exc.context and exc.context_mark is not None
            and re.search(r"end of stream|document separator", exc.problem or "")):
        return exc.context_mark  # PyYAML reached the end of the file inside the quotes
    problem = exc.problem_mark
    if problem is None:
        return None
    # The quote closed by accident at a later quote: a quoted scalar that spans lines and ends on
    # the line of the problem. Budget files never need multi-line quoted text.
    try:
        for token in yaml.scan(text, Loader=yaml.SafeLoader):
            if token.start_mark.index >= problem.index:
                break
            if (isinstance(token, yaml.ScalarToken) and token.style in ("'", '"')
                    and token.start_mark.line < token.end_mark.line
                    and token.end_mark.line >= problem.line - 1):
                return token.start_mark
    except yaml.YAMLError:
        pass
    return None


def _line(text: str, line: int) -> str:
    lines = text.split("\n")
    return lines[line] if 0 <= line < len(lines) else ""


def describe(exc: yaml.MarkedYAMLError, text: str) -> tuple[str, int | None, int | None]:
    """(Chinese one-line message, 1-based line, column) for a PyYAML error in ``text``."""
    problem = (exc.problem or exc.context or "").strip()
    if re.search(r"[\u4e00-\u9fff]", problem):  # our own constructor errors are Chinese already
        mark = exc.problem_mark or exc.context_mark
        return _PREFIX + problem, _one(mark, "line"), _one(mark, "column")
    quote = _quote_start(exc, text)
    if quote is not None:
        char = _line(text, quote.line)[quote.column: quote.column + 1] or "引号"
        return (_PREFIX + f"从这里开始的引号“{char}”没有闭合（直到第 {_one(exc.problem_mark, 'line')} 行"
                "才被发现）；请补上结尾的引号", quote.line + 1, quote.column + 1)
    mark = exc.problem_mark or exc.context_mark
    if "could not find expected ':'" in problem and exc.context_mark is not None:
        # Noticed on the line after the key; the key's own line is what needs the colon.
        mark = exc.context_mark
        if "：" in _line(text, mark.line):
            return (_PREFIX + "这一行用了全角冒号“：”；键和值之间要用半角冒号加空格“: ”",
                    mark.line + 1, _line(text, mark.line).index("：") + 1)
        return _PREFIX + "这一行缺少冒号“:”（应为“键: 值”，冒号后加空格）", mark.line + 1, mark.column + 1
    if re.search(r"expected ',' or '[\]}]'", problem) and exc.context_mark is not None \
            and exc.problem_mark is not None and exc.context_mark.line != exc.problem_mark.line:
        mark = exc.context_mark  # the bracket opened here was never closed
    said = " ".join(x.strip() for x in (exc.context, exc.problem) if x)
    for pattern, chinese in _PROBLEMS:
        found = re.search(pattern, said)
        if found:
            message = _PREFIX + chinese.format(*found.groups())
            if mark is not None and "：" in _line(text, mark.line) and "冒号" not in chinese:
                message += "（这一行有全角冒号“：”，键和值之间应为半角冒号“: ”）"
            return message, _one(mark, "line"), _one(mark, "column")
    return f"YAML 格式错误（{problem or type(exc).__name__}）", _one(mark, "line"), _one(mark, "column")


def _one(mark: yaml.Mark | None, attr: str) -> int | None:
    return getattr(mark, attr) + 1 if mark is not None else None

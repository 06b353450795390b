"""PNG charts of the compare outputs (matplotlib, Agg), labelled in Chinese.

The font is looked up the way the system sees fonts: through fontconfig (`fc-list :lang=zh-cn`)
where it is installed, else in matplotlib's font list (rebuilt once when it may be stale, e.g.
after fonts were installed). Noto Sans CJK SC (Debian's fonts-noto-cjk) is preferred; any
installed font covering Chinese will do. Without one, Chinese labels would be drawn as empty
boxes (tofu), so its absence is an error naming the package, never a silent fallback.
"""
from __future__ import annotations

import shutil
import subprocess
from functools import lru_cache
from pathlib import Path

import matplotlib
import numpy as np

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib import font_manager  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

# Preferred first; the first family is the one fonts-noto-cjk installs.
CJK_FAMILIES = ("Noto Sans CJK SC", "Noto Serif CJK SC", "Source Han Sans SC", "WenQuanYi Zen Hei",
                "WenQuanYi Micro Hei", "AR PL UMing CN", "AR PL UKai CN", "Droid Sans Fallback")
FONT_PACKAGE = "fonts-noto-cjk"
EXECUTION_COLOR = "#2a6fdb"   # bars of the execution rate (the screenshot test looks for it)
PROGRESS_COLOR = "#d62728"    # the 序时进度 marker
OUTCOME_COLORS = {"met": "#2ca02c", "missed": "#d62728", "qualitative": "#9ecae1", "not_judged": "#b0b0b0"}
OUTCOME_LABELS = {"met": "达成", "missed": "未达成", "qualitative": "定性（未评判）", "not_judged": "未评判"}
ACHIEVEMENT_PARTS = ("met", "missed", "qualitative", "not_judged")  # the stacked bar, left to right
UNREAD_COLOR = "#8c2d04"  # the note of reports whose indicator table was not read
MISMATCH_COLOR = "#000000"  # the rate computed from the amounts, where the stated one disagrees
DPI = 110


class FontMissing(RuntimeError):
    """No installed font covers Chinese: the charts cannot be labelled."""


@lru_cache(maxsize=1)
def cjk_font_path() -> str:
    """The file of the CJK font the charts use; `FontMissing` when none is installed."""
    fc_list = shutil.which("fc-list")
    path = _fontconfig_font(fc_list) if fc_list else _matplotlib_font()
    if path is None:
        seen_by = "fontconfig" if fc_list else "matplotlib"
        raise FontMissing(f"no font covering Chinese is installed ({seen_by} lists none), so the "
                          f"charts cannot be labelled: install Debian's {FONT_PACKAGE} "
                          f"(apt-get install {FONT_PACKAGE})")
    return path


def _fontconfig_font(fc_list: str) -> str | None:
    """The preferred font fontconfig lists as covering Simplified Chinese, regular weight first."""
    try:
        listing = subprocess.run([fc_list, ":lang=zh-cn", "file", "family", "style"], capture_output=True,
                                 text=True, timeout=60, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    fonts = []  # (family rank, bold, path)
    for line in listing.splitlines():
        path, _, rest = line.partition(": ")
        families, _, style = rest.partition(":style=")
        names = [name.strip() for name in families.split(",")]
        rank = min((CJK_FAMILIES.index(n) for n in names if n in CJK_FAMILIES), default=len(CJK_FAMILIES))
        fonts.append((rank, "Bold" in style or "Heavy" in style, path))
    return min(fonts)[2] if fonts else None


def _matplotlib_font() -> str | None:
    """A preferred CJK family from matplotlib's font list; the list is rebuilt once when none is
    in it, since it is cached on disk and does not see fonts installed after it was written."""
    for rebuild in (False, True):
        if rebuild:
            font_manager.fontManager = font_manager._load_fontmanager(try_read_cache=False)
        for family in CJK_FAMILIES:
            try:
                return font_manager.findfont(font_manager.FontProperties(family=family),
                                             fallback_to_default=False)
            except ValueError:
                continue
    return None


def cjk_font() -> font_manager.FontProperties:
    return font_manager.FontProperties(fname=cjk_font_path())


def execution_chart(rows: list[dict], path: Path) -> Path:
    """Execution rate per report (bars) against the time-proportional progress (markers).

    `rows`: dicts with `label`, `execution_rate_pct`, `time_progress_pct` (either may be None)."""
    font = cjk_font()
    height = max(2.6, 0.55 * len(rows) + 1.4)
    fig, ax = plt.subplots(figsize=(8.5, height), dpi=DPI)
    y = list(range(len(rows)))
    rates = [float(r["execution_rate_pct"] or 0) for r in rows]
    ax.barh(y, rates, color=EXECUTION_COLOR, height=0.55, label="资金执行率")
    for yi, r, rate in zip(y, rows, rates):
        if r["execution_rate_pct"] is not None:
            ax.text(rate + 1, yi, f"{rate:.2f}%", va="center", fontproperties=font, fontsize=9)
    marked = [(yi, float(r["time_progress_pct"])) for yi, r in zip(y, rows) if r["time_progress_pct"] is not None]
    if marked:
        ax.scatter([m[1] for m in marked], [m[0] for m in marked], marker="|", s=600, linewidths=3,
                   color=PROGRESS_COLOR, label="序时进度", zorder=3)
    computed = [(yi, float(r["computed_rate_pct"])) for yi, r in zip(y, rows) if r.get("computed_rate_pct") is not None]
    if computed:  # the stated rate disagrees with the amounts (rate_mismatch): show what they give
        ax.scatter([c[1] for c in computed], [c[0] for c in computed], marker="D", s=40, color=MISMATCH_COLOR,
                   label="按金额计算的执行率（与所述不符）", zorder=4)
    ax.set_yticks(y, [r["label"] for r in rows], fontproperties=font)
    ax.invert_yaxis()
    ax.set_xlim(0, 110)
    ax.set_xlabel("百分比（%）", fontproperties=font)
    ax.set_title("资金执行率与序时进度", fontproperties=font, loc="left")
    ax.legend(prop=font, loc="lower right", bbox_to_anchor=(1.0, 1.0), ncol=3, frameon=False)
    ax.grid(axis="x", alpha=0.3)
    return _save(fig, path)


def achievement_chart(groups: list[dict], path: Path, by_label: str) -> Path:
    """Indicators met / missed / qualitative / not judged per group (agency, year or report type),
    stacked bars; a group with reports whose indicator table was not read says so beside its bar
    (those reports have no indicators to count, which is not the same as qualitative ones).

    `groups`: dicts with `label`, the counts of ACHIEVEMENT_PARTS and `unread_reports`."""
    font = cjk_font()
    height = max(2.6, 0.55 * len(groups) + 1.4)
    fig, ax = plt.subplots(figsize=(8.5, height), dpi=DPI)
    y = list(range(len(groups)))
    left = [0] * len(groups)
    for outcome in ACHIEVEMENT_PARTS:
        counts = [g[outcome] for g in groups]
        ax.barh(y, counts, left=left, color=OUTCOME_COLORS[outcome], height=0.55, label=OUTCOME_LABELS[outcome])
        left = [a + b for a, b in zip(left, counts)]
    for yi, g, end in zip(y, groups, left):
        if g.get("unread_reports"):
            ax.text(end + 0.3, yi, f"另有{g['unread_reports']}份报告未读出指标表", va="center",
                    color=UNREAD_COLOR, fontproperties=font, fontsize=9)
    ax.set_yticks(y, [g["label"] for g in groups], fontproperties=font)
    ax.invert_yaxis()
    ax.set_xlabel("指标个数", fontproperties=font)
    ax.set_title(f"绩效指标完成情况（按{by_label}）", fontproperties=font, loc="left")
    ax.legend(prop=font, loc="lower right", bbox_to_anchor=(1.0, 1.0), ncol=4, frameon=False)
    ax.grid(axis="x", alpha=0.3)
    return _save(fig, path)


def render_label(text: str, font_path: str | None = None, size: int = 28):
    """`text` drawn alone (RGBA array) — for checking that Chinese renders as glyphs, not tofu."""
    font = font_manager.FontProperties(fname=font_path or cjk_font_path(), size=size)
    fig = plt.figure(figsize=(len(text) * size / 60 + 0.5, size / 50 + 0.3), dpi=100)
    fig.text(0.02, 0.2, text, fontproperties=font)
    fig.canvas.draw()
    image = fig.canvas.buffer_rgba()
    array = np.asarray(image).copy()
    plt.close(fig)
    return array


def _save(fig: Figure, path: Path) -> Path:
    fig.savefig(path, dpi=DPI, bbox_inches="tight")
    plt.close(fig)
    return path

"""The contract rendered for WeChat (bot/wechat/render.py): numbered options and the replies
that pick them, turns merged into few messages within the send API's size, the notice card."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.catalogue.loader import load_messages
from bot.wechat.render import MAX_TEXT_BYTES, Renderer, choice_for, numbering

ROOT = Path(__file__).resolve().parents[2]
RENDER = Renderer(load_messages(ROOT / "rules"))
YES_NO = [{"title": "是", "payload": "/answer{\"value\":true}"}, {"title": "否", "payload": "/answer{\"value\":false}"}]
HUKOU = [{"title": "本市户口", "payload": "/a{\"v\":\"local\"}"},
         {"title": "外地户口", "payload": "/a{\"v\":\"non_local\"}"}]
STARS = [{"title": "★" * n, "payload": f"/rate{{\"rating\":{n}}}"} for n in (5, 4, 3, 2, 1)]
CARD = "http://portal.test/wechat/card/x"


def texts(bodies):
    return [b["text"]["content"] for b in bodies if b["msgtype"] == "text"]


@pytest.mark.parametrize("typed, payload", [
    ("1", YES_NO[0]["payload"]), ("2", YES_NO[1]["payload"]), ("２", YES_NO[1]["payload"]),
    (" 第2个 ", YES_NO[1]["payload"]), ("是", YES_NO[0]["payload"]), ("否。", YES_NO[1]["payload"]),
    ("3", None), ("0", None), ("是不是要带户口本", None),
])
def test_a_number_or_the_words_of_an_option_pick_it(typed: str, payload) -> None:
    assert choice_for(typed, YES_NO) == payload


@pytest.mark.parametrize("typed, payload", [
    ("外地", HUKOU[1]["payload"]), ("本市户口", HUKOU[0]["payload"]), ("户口", None), ("在外地打工", None)])
def test_part_of_one_option_picks_it_but_words_shared_by_two_do_not(typed: str, payload) -> None:
    assert choice_for(typed, HUKOU) == payload


def test_star_ratings_are_numbered_by_their_stars_so_5_is_five_stars() -> None:
    assert (numbering(STARS), choice_for("5", STARS), choice_for("1", STARS)) == (
        [5, 4, 3, 2, 1], STARS[0]["payload"], STARS[4]["payload"])


def test_nothing_offered_means_nothing_is_picked() -> None:
    assert (choice_for("1", []), choice_for("", YES_NO)) == (None, None)


def test_a_yes_no_question_ends_with_the_numbered_options() -> None:
    bodies = RENDER.turn([{"text": "孩子是在本市的医院出生的吗？", "buttons": YES_NO}])
    assert texts(bodies) == ["孩子是在本市的医院出生的吗？\n回复 1 是，2 否"]


def test_options_are_numbered_across_the_messages_of_a_turn_as_the_dialogue_offered_them() -> None:
    bodies = RENDER.turn([{"text": "您要办的是这件事吗？", "buttons": YES_NO}, {"text": "也可以：", "buttons": HUKOU}])
    assert texts(bodies)[0].endswith("回复 3 本市户口，4 外地户口")


def test_many_options_go_one_per_line() -> None:
    choices = [{"title": f"分类名称{n}号", "payload": f"/c{n}"} for n in range(1, 9)]
    text = texts(RENDER.turn([{"text": "请选一个分类：", "buttons": choices}]))[0]
    assert text.splitlines()[1:] == ["请回复序号："] + [f"{n} 分类名称{n}号" for n in range(1, 9)]


def _notice(lines: int) -> dict:
    text = "【一次性告知】请准备以下材料：\n" + "\n".join(
        f"{n}. 生育医疗费用票据及明细（第{n}项）：原件1份，复印件2份，可容缺受理后补" for n in range(1, lines + 1))
    return {"text": text, "custom": {"type": "materials_notice"}}


def test_a_long_notice_is_split_between_lines_within_the_size_limit() -> None:
    notice = _notice(80)
    bodies = RENDER.turn([notice], budget=10)
    parts = texts(bodies)
    assert (len(parts) > 1, all(len(p.encode()) <= MAX_TEXT_BYTES for p in parts),
            "\n".join(parts).splitlines() == notice["text"].splitlines()) == (True, True, True)


def test_a_whole_turn_fits_in_three_messages_with_the_card() -> None:
    turn = [{"text": "根据您的情况，需要办理7个事项：\n" + "\n".join(f"{n}. 事项{n}" * 20 for n in range(7))},
            _notice(60), {"text": "我已为您合并成一张表：\n" + "\n".join(f"字段{n}：待填写" for n in range(40)),
                          "custom": {"type": "form"}},
            {"text": "请填写“申请人姓名”。"}]
    bodies = RENDER.turn(turn, budget=3, card_url=CARD)
    cards = [b for b in bodies if b["msgtype"] == "link"]
    assert (len(bodies) <= 3, len(cards), cards[0]["link"]["url"], texts(bodies)[-1].endswith("请填写“申请人姓名”。"),
            all(len(t.encode()) <= MAX_TEXT_BYTES for t in texts(bodies))) == (True, 1, CARD, True, True)


def test_the_card_is_named_after_what_it_opens() -> None:
    notice_only = RENDER.turn([_notice(3)], card_url=CARD)[-1]["link"]["title"]
    both = RENDER.turn([_notice(3), {"text": "表", "custom": {"type": "form"}}], card_url=CARD)[-1]["link"]["title"]
    assert (notice_only, both) == ("一次性告知单", "一次性告知单和申请表")


def test_a_turn_that_cannot_fit_keeps_its_start_and_its_question() -> None:
    huge = {"text": "\n".join(f"第{n}行：" + "很长的说明文字" * 10 for n in range(200))}
    bodies = RENDER.turn([huge, {"text": "以上信息都对吗？", "buttons": YES_NO}], budget=3)
    parts = texts(bodies)
    assert (len(parts), parts[0].startswith("第0行"), parts[-1].endswith("回复 1 是，2 否"),
            "只显示了一部分" in parts[-2]) == (3, True, True, True)


def test_the_text_only_notice_is_one_polite_message() -> None:
    assert texts(RENDER.text_only_notice()) == ["暂时只能处理文字消息，请用文字回复我。"]

"""Ways through a conversation in the widget that several browser tests share."""

from __future__ import annotations

import random
import re
from datetime import date, timedelta

from playwright.sync_api import expect

from bot.privacy import id_number_check_char
from tests.conversation.driver import value_for

# How a newborn's parent answers; questions not listed get their first option.
NEWBORN_ANSWERS = {
    "born_in_city": "是", "parents_married": "是",
    "father_hukou": "本市户口", "mother_hukou": "本市户口", "settle_with": "随父亲落户",
    "mother_employee_insured": "是", "apply_social_security_card": "是",
}
FIELD_VALUES = {"姓名": "张小明", "医院": "济南市妇幼保健院", "电话": "13800000001",
                "地址": "山东省济南市历下区示范路1号"}
SUBMIT_STEPS = ("确认无误", "同意并提交", "仍要提交")


def start_newborn_in_words(w, text: str) -> None:
    """Say the need; confirm or pick the newborn bundle if the bot asks which one."""
    w.say(text)
    for _ in range(2):
        if w.last_bot().locator(".yjs-card-question").count():
            return
        titles = w.last_bot().get_by_role("button").all_inner_texts()
        pick = (next((t for t in titles if "新生儿" in t), None)
                or next((t for t in titles if t.startswith("对")), None))
        assert pick, f"no way to choose the newborn bundle among {titles}"
        w.press(pick)
    expect(w.last_bot().locator(".yjs-card-question")).to_be_visible()


def answer_question(w, card) -> None:
    qid = card.get_attribute("data-question-id")
    date_input = card.locator("input[type=date]")
    boxes = card.locator("input[type=checkbox]")
    before = w.bot_messages().count()
    if date_input.count():
        date_input.fill((date.today() - timedelta(days=10)).isoformat())
        card.get_by_role("button", name="确定").click()
    elif boxes.count():  # several may apply: the first, then 确定
        boxes.first.check()
        card.get_by_role("button", name="确定").click()
    else:
        wanted = NEWBORN_ANSWERS.get(qid)
        options = card.locator(".yjs-options").get_by_role("button")
        (options.filter(has_text=wanted).first if wanted else options.first).click()
    w.wait_reply(before)


def edit_phone_on_the_form(w, phone: str) -> None:
    """Correct a prefilled value on the form card itself: 修改 → type → 保存修改."""
    form = w.cards("form").last
    form.get_by_role("button", name="修改“联系电话”").click()
    before = w.bot_messages().count()
    form.get_by_role("textbox", name="联系电话").fill(phone)
    form.get_by_role("button", name="保存修改").click()
    w.wait_reply(before)
    expect(w.page.locator(".yjs-user .yjs-text").last).to_have_text(f"联系电话改成{phone}")
    # The bot took the value straight away and shows the form again (masked as personal data).
    field = w.cards("form").last.locator(".yjs-field", has_text="联系电话")
    masked = re.compile(phone[:3] + r".*" + phone[-4:])
    expect(field.locator(".yjs-field-value")).to_have_text(masked)


def fresh_id_number(rng: random.Random = random.Random()) -> str:
    """A valid ID number no other test uses: "the same person filing twice" is one test's person."""
    first = f"370102{rng.randint(1960, 1999)}0{rng.randint(1, 9)}{rng.randint(10, 28)}{rng.randint(100, 999)}"
    return first + id_number_check_char(first)


def typed_value(catalogue, id_number: str):
    """What a person types for the form field a label names (conversation tests' values), with
    their own ID number."""
    by_label = {f.label: f for f in catalogue.fields.values()}

    def value(label: str) -> str:
        definition = by_label.get(label)
        if definition is None:
            return "无"
        return id_number if definition.type == "id_number" else value_for(definition)

    return value


def fill_or_confirm(w, edited: list, typed=None) -> None:
    last = w.last_bot()
    buttons = last.get_by_role("button")
    titles = buttons.all_inner_texts()
    if "确认无误" in titles and not edited:
        edited.append(True)
        return edit_phone_on_the_form(w, "13800000009")
    step = next((t for t in SUBMIT_STEPS if t in titles), None)
    if step:
        return w.press(step)
    if titles:  # a field with fixed choices (性别: 男/女)
        return w.press(titles[0])
    label = re.search(r"“(.+?)”", last.inner_text())
    if typed is not None and label:
        return w.say(typed(label.group(1)))
    value = next((v for k, v in FIELD_VALUES.items() if label and k in label.group(1)), "无")
    w.say(value)


def to_receipt(w, typed=None, until=None) -> None:
    """Answer every question with the newborn answers (or the first option), fill (`typed`:
    label -> value) or confirm the form, consent: until the receipt card shows, or until
    `until(w)` is true."""
    edited: list = [True]  # no detour to edit the form
    done = until or (lambda page: page.cards("receipt").count())
    for _ in range(40):
        if done(w):
            return
        card = w.last_bot().locator(".yjs-card-question")
        if card.count():
            answer_question(w, card)
        else:
            fill_or_confirm(w, edited, typed)
    raise AssertionError("not there after 40 steps")

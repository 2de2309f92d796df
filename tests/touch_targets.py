"""Touch targets measured in a real browser (issue 19): at least 44 × 44 px on a 375-px phone."""

# What a finger presses: choices with their label, buttons, links styled as buttons, file inputs, step links.
TARGETS = "main label.choice, main button, main .button, main input[type=file], main ol.steps a"
SMALL_TARGETS_JS = """(selector) => [...document.querySelectorAll(selector)]
  .map(el => ({el, box: el.getBoundingClientRect()}))
  .filter(({box}) => box.width > 0 && (box.width < 44 || box.height < 44))
  .map(({el, box}) => `${el.outerHTML.slice(0, 80)} ${Math.round(box.width)}×${Math.round(box.height)}`)"""


def small_targets(page) -> list[str]:
    """Every visible target smaller than 44 × 44 px (its bounding box), described; [] when none."""
    return page.evaluate(SMALL_TARGETS_JS, TARGETS)


def target_count(page) -> int:
    return page.locator(TARGETS).count()

"""What a page does not show is not built with it (issue 17: a class of 30 builds pages at once, and page builds
were 70 % of the class server's CPU): a closed palette family's buttons, a layer card's help and the header's
menu are built when first opened, and then show what they showed before."""
from __future__ import annotations

from nicegui import ui
from nicegui.testing import User


def _one(user: User, marker: str):
    return next(iter(user.find(marker=marker).elements))


def _count(user: User, marker: str) -> int:
    return sum(marker in e._markers for e in user.client.elements.values())  # find() fails on none


def _has(user: User, marker: str) -> bool:
    return _count(user, marker) > 0


async def test_closed_content_is_built_on_first_opening(user: User, project_id) -> None:
    pid = project_id("xor")
    await user.open(f"/p/{pid}/model")
    await user.should_see(marker="model-valid")
    assert _has(user, "palette-dense")                    # the open family (core) is built with the page
    assert not _has(user, "palette-dropout")              # a closed family's buttons are not
    assert not _has(user, "menu-home") and not _has(user, "expert-switch-menu")
    helps = [e for e in user.client.elements.values() if isinstance(e, ui.expansion) and not e.value
             and e.props.get("label") == "What does it do?"]
    assert len(helps) == 2 and all(not e.default_slot.children for e in helps)

    helps[0].open()                                       # the card's help: its text (the formula beside it)
    assert any(isinstance(e, ui.label) and e.text.startswith("Each neuron multiplies every input")
               for e in helps[0].descendants())

    _one(user, "family-regularization").open()
    await user.should_see(marker="palette-dropout")
    user.find(marker="palette-dropout").click()          # and it adds, as before
    await user.should_see(marker="layer-2")
    _one(user, "family-regularization").close()
    _one(user, "family-regularization").open()            # built once: reopening adds no second set
    assert _count(user, "palette-dropout") == 1

    menu = next(e for e in user.client.elements.values() if isinstance(e, ui.menu))
    menu.open()
    await user.should_see(marker="menu-home")
    assert _has(user, "menu-export") and _has(user, "expert-switch-menu")
    menu.close()
    menu.open()
    assert _count(user, "menu-home") == 1

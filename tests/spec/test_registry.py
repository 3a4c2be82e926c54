"""The generic registry: found by name, a wrong name explained (closest first, in German too), no name twice."""
from __future__ import annotations

import sys
import textwrap

import pytest

from layerlab.data import get_source
from layerlab.i18n import msg
from layerlab.inspect.views import get_view
from layerlab.layers import get_layer
from layerlab.spec.errors import SpecError
from layerlab.spec.fixes import apply_fix
from layerlab.spec.registry import Registry


def _hint(close, listing):
    return msg("did you mean {close!r}? Valid values: {listing}", close=close, listing=listing) if close \
        else msg("use one of: {listing}", listing=listing)


def _shapes() -> Registry:
    reg = Registry("shape", msg("is not a known name"), _hint, path="data.params.shape")

    @reg.register
    class Spiral:
        name = "spiral"

    @reg.register
    class Circle:
        name = "circle"

    return reg


def test_registered_things_are_found_by_name_and_listed_sorted():
    reg = _shapes()
    assert type(reg.get("spiral")).__name__ == "Spiral"
    assert reg.get("spiral") is reg.get("spiral")  # one instance, registered once
    assert "circle" in reg and "square" not in reg and 3 not in reg
    assert reg.names() == ["circle", "spiral"] and len(reg) == 2
    assert [(n, type(t).__name__) for n, t in reg.items()] == [("circle", "Circle"), ("spiral", "Spiral")]


def test_a_misspelt_name_gets_all_four_parts_and_a_fix_that_works():
    with pytest.raises(SpecError) as info:
        _shapes().get("spirla")
    e = info.value
    assert (e.path, e.message, e.received) == ("data.params.shape", "is not a known name", "spirla")
    assert e.hint == "did you mean 'spiral'? Valid values: circle, spiral"
    doc = {"data": {"params": {"shape": "spirla"}}}
    assert apply_fix(doc, e.fixes[0])["data"]["params"]["shape"] == "spiral"


def test_a_name_like_no_valid_one_lists_them_all_without_guessing():
    reg = _shapes()
    for wrong in ("hexagon", 3, None):
        with pytest.raises(SpecError) as info:
            reg.get(wrong, path="model.shape")
        assert info.value.path == "model.shape" and info.value.received == wrong
        assert info.value.hint == "use one of: circle, spiral" and info.value.fixes == []


def test_an_alias_finds_the_meant_name_before_spelling_does():
    reg = Registry("layer", msg("is not a known layer type"), _hint,
                   alias=lambda name, valid: "max_pool2d" if name == "MaxPooling2D" else None)
    reg.add("max_pool2d", object())
    reg.add("max_pool3d", object())
    with pytest.raises(SpecError) as info:
        reg.get("MaxPooling2D")
    assert info.value.fixes[0].edits == [{"op": "set", "path": "type", "value": "max_pool2d"}]


def test_one_name_twice_is_refused_and_names_both_places():
    reg = _shapes()
    first = reg.get("spiral")

    class Spiral:
        name = "spiral"

    with pytest.raises(ValueError, match=r"shape 'spiral' registered twice: by .*Spiral and .*Spiral; give one"):
        reg.register(Spiral)
    assert reg.get("spiral") is first  # the first one stays


@pytest.mark.parametrize("lookup,wrong,german", [
    (get_layer, "dens", "ist kein bekannter Schichttyp. Erhalten: 'dens'. Lösung: Meintest du 'dense'?"),
    (get_source, "spirals", "ist keine bekannte Datenquelle. Erhalten: 'spirals'. Lösung: Meintest du 'spiral'?"),
    (get_view, "salency", "ist keine Ansicht zum Untersuchen. Erhalten: 'salency'. Lösung: Meintest du 'saliency'?"),
])
def test_the_owners_errors_still_read_german(lookup, wrong, german):
    with pytest.raises(SpecError) as info:
        lookup(wrong)
    assert german in info.value.localized("de")


def test_a_view_name_is_not_in_the_spec_so_no_fix_is_offered():
    with pytest.raises(SpecError) as info:
        get_view("salency")
    assert info.value.path == "view" and info.value.fixes == []


def test_a_package_is_imported_on_first_use_and_a_failed_import_is_retried(tmp_path, monkeypatch):
    pkg = tmp_path / "llab_reg_pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text(textwrap.dedent("""
        from layerlab.i18n import msg
        from layerlab.spec.registry import Registry
        REG = Registry("thing", msg("is not a known name"), lambda c, l: msg("use one of: {listing}", listing=l),
                       package=__name__)
    """))
    for name in ("alpha", "beta"):
        (pkg / f"{name}.py").write_text(textwrap.dedent(f"""
            import os
            from . import REG
            if os.path.exists(os.path.join(os.path.dirname(__file__), "broken")) and {name!r} == "beta":
                raise RuntimeError("beta is broken")

            @REG.register
            class Thing:
                name = {name!r}
        """))
    (pkg / "broken").write_text("")
    monkeypatch.syspath_prepend(str(tmp_path))
    for mod in [m for m in sys.modules if m.startswith("llab_reg_pkg")]:
        monkeypatch.delitem(sys.modules, mod)
    import llab_reg_pkg
    try:
        assert llab_reg_pkg.REG.entries == {}  # nothing imported before it is used
        with pytest.raises(RuntimeError, match="beta is broken"):
            llab_reg_pkg.REG.names()
        (pkg / "broken").unlink()
        assert llab_reg_pkg.REG.names() == ["alpha", "beta"]
    finally:
        for mod in [m for m in sys.modules if m.startswith("llab_reg_pkg")]:
            del sys.modules[mod]

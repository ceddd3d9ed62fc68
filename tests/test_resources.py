"""The ontology and the canned queries are found in a checkout and in a wheel's install."""

from kg import resources


def test_resources_prefer_the_checkout_then_the_installed_copy(tmp_path, monkeypatch):
    checkout, installed = tmp_path / "checkout", tmp_path / "share"
    (installed / "queries").mkdir(parents=True)
    monkeypatch.setattr(resources, "CHECKOUT", checkout)
    monkeypatch.setattr(resources, "INSTALLED", installed)
    assert resources.project_folder("queries") == installed / "queries"  # a wheel install
    (checkout / "queries").mkdir(parents=True)
    assert resources.project_folder("queries") == checkout / "queries"  # a source checkout
    assert resources.project_folder("ontology") == checkout / "ontology"  # neither: the checkout's


def test_resources_in_this_checkout_hold_the_ontology_shapes_and_queries():
    assert (resources.ONTOLOGY_DIR / "conflict.ttl").is_file()
    assert sorted(p.name for p in (resources.ONTOLOGY_DIR / "shapes").glob("*.ttl"))
    assert (resources.QUERIES_DIR / "events-by-place.rq").is_file()

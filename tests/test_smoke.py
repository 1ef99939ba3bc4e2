import sistercity as sc


def test_public_names_exist() -> None:
    for name in sc.__all__:
        assert getattr(sc, name) is not None

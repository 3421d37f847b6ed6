def test_room_batch_ms_setting(tmp_path):
    from plenary.config import ConfigError, load_settings

    base = {"PLENARY_VAR_DIR": str(tmp_path), "SECRET_KEY": "x"}
    assert load_settings(base).room_batch_ms == 100.0
    assert load_settings({**base, "ROOM_BATCH_MS": "0"}).room_batch_ms == 0.0
    assert load_settings({**base, "ROOM_BATCH_MS": "40"}).room_batch_ms == 40.0
    with pytest.raises(ConfigError):
        load_settings({**base, "ROOM_BATCH_MS": "soon"})

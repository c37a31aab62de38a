from helpline.core.crypto import decrypt, encrypt


def test_round_trip_and_ciphertext_differs(settings):
    token = encrypt("s3cret password")
    assert token != "s3cret password"
    assert "s3cret" not in token
    assert decrypt(token) == "s3cret password"
    assert encrypt("") == "" and decrypt("") == ""


def test_a_changed_secret_key_reads_as_empty_not_an_error(settings):
    token = encrypt("value")
    settings.SECRET_KEY = "another-key-entirely-different-from-the-first"
    assert decrypt(token) == ""

import re
from collections import Counter

from helpline.core.ids import ALPHABET, CODE_DIGITS, new_public_id, new_ticket_code


def test_public_ids_use_the_whole_alphabet_evenly():
    ids = [new_public_id() for _ in range(2000)]
    assert all(len(value) == 16 and set(value) <= set(ALPHABET) for value in ids)
    assert len(set(ids)) == 2000
    counts = Counter("".join(ids))
    assert set(counts) == set(ALPHABET)
    expected = 2000 * 16 / len(ALPHABET)  # 1000 each
    assert all(0.85 * expected < n < 1.15 * expected for n in counts.values())
    assert len(new_public_id(24)) == 24


def test_ticket_codes_have_their_shape_and_every_digit():
    codes = [new_ticket_code() for _ in range(500)]
    assert all(re.fullmatch(r"[A-Z]{3}-[2-9]{3}-[2-9]{5}", code) for code in codes)
    assert set("".join(code[4:].replace("-", "") for code in codes)) == set(CODE_DIGITS)

/* The wait model's facts in words (plugins/wait_model.h): an object's
 * state and an owner's evidence, as the outputs and the explanation say
 * them, and the names of the conditions and evidence kinds for JSON.
 * The text may hold bytes from the dump (an unreadable part's error):
 * escape it on output. */
#ifndef WHYHUNG_WAIT_WORDS_H
#define WHYHUNG_WAIT_WORDS_H

#include <stdbool.h>
#include <stddef.h>

#include "wait_model.h"

/* Where the state is said: beside the object's owners (the text, HTML and
 * the explanation, which list them after it), or on its own (JSON). */
enum wh_words_place { WH_WORDS_BESIDE_OWNERS, WH_WORDS_ALONE };

/* Room for either text. */
enum { WH_STATE_TEXT = 256, WH_EVIDENCE_TEXT = 256 };

void wh_object_state_text(const struct wh_object_state *s, enum wh_words_place place, char *buf,
			  size_t size);
void wh_evidence_text(const struct wh_evidence *e, char *buf, size_t size);
/* "rwsem-read", "mutex-owner-field", ...: stable names for JSON. */
const char *wh_object_condition_name(enum wh_object_condition c);
const char *wh_evidence_kind_name(enum wh_evidence_kind k);

#endif

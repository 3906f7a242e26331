/* events-json.h — one JSON object per line for --json: a tiny builder that
 * escapes strings per RFC 8259. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _JaJsonEvent JaJsonEvent;

JaJsonEvent *ja_json_event_new (const char *event);
void ja_json_event_add_string (JaJsonEvent *ev, const char *key, const char *value);
void ja_json_event_add_int (JaJsonEvent *ev, const char *key, gint64 value);
void ja_json_event_add_double (JaJsonEvent *ev, const char *key, double value);
void ja_json_event_add_bool (JaJsonEvent *ev, const char *key, gboolean value);
void ja_json_event_add_strv (JaJsonEvent *ev, const char *key, const char *const *values);
/* Adds a raw, already valid JSON value. */
void ja_json_event_add_raw (JaJsonEvent *ev, const char *key, const char *json);
/* Writes the line to stdout, flushes, frees. */
void ja_json_event_emit (JaJsonEvent *ev);
/* The finished object (transfer full), frees ev. */
char *ja_json_event_finish (JaJsonEvent *ev);

void ja_json_escape_append (GString *out, const char *text);

G_END_DECLS

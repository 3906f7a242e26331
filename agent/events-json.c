/* events-json.c — the --json event lines. Strings are escaped per RFC 8259
 * §7; invalid UTF-8 is replaced so every line stays valid JSON. */
#include "agent/events-json.h"

#include <stdio.h>

struct _JaJsonEvent {
  GString *buf;
};

void
ja_json_escape_append (GString *out, const char *text)
{
  g_autofree char *valid = g_utf8_make_valid (text ? text : "", -1);

  g_string_append_c (out, '"');
  for (const char *p = valid; *p; p++) {
    guchar c = *p;

    switch (c) {
    case '"': g_string_append (out, "\\\""); break;
    case '\\': g_string_append (out, "\\\\"); break;
    case '\n': g_string_append (out, "\\n"); break;
    case '\r': g_string_append (out, "\\r"); break;
    case '\t': g_string_append (out, "\\t"); break;
    default:
      if (c < 0x20)
        g_string_append_printf (out, "\\u%04x", c);
      else
        g_string_append_c (out, c);
    }
  }
  g_string_append_c (out, '"');
}

JaJsonEvent *
ja_json_event_new (const char *event)
{
  JaJsonEvent *ev = g_new0 (JaJsonEvent, 1);

  ev->buf = g_string_new ("{\"event\":");
  ja_json_escape_append (ev->buf, event);
  return ev;
}

static void
key (JaJsonEvent *ev, const char *k)
{
  g_string_append_c (ev->buf, ',');
  ja_json_escape_append (ev->buf, k);
  g_string_append_c (ev->buf, ':');
}

void
ja_json_event_add_string (JaJsonEvent *ev, const char *k, const char *value)
{
  key (ev, k);
  if (value == NULL)
    g_string_append (ev->buf, "null");
  else
    ja_json_escape_append (ev->buf, value);
}

void
ja_json_event_add_int (JaJsonEvent *ev, const char *k, gint64 value)
{
  key (ev, k);
  g_string_append_printf (ev->buf, "%" G_GINT64_FORMAT, value);
}

void
ja_json_event_add_double (JaJsonEvent *ev, const char *k, double value)
{
  char num[G_ASCII_DTOSTR_BUF_SIZE];

  key (ev, k);
  g_string_append (ev->buf, g_ascii_formatd (num, sizeof num, "%.3f", value));
}

void
ja_json_event_add_bool (JaJsonEvent *ev, const char *k, gboolean value)
{
  key (ev, k);
  g_string_append (ev->buf, value ? "true" : "false");
}

void
ja_json_event_add_strv (JaJsonEvent *ev, const char *k,
    const char *const *values)
{
  key (ev, k);
  g_string_append_c (ev->buf, '[');
  for (guint i = 0; values != NULL && values[i] != NULL; i++) {
    if (i > 0)
      g_string_append_c (ev->buf, ',');
    ja_json_escape_append (ev->buf, values[i]);
  }
  g_string_append_c (ev->buf, ']');
}

void
ja_json_event_add_raw (JaJsonEvent *ev, const char *k, const char *json)
{
  key (ev, k);
  g_string_append (ev->buf, json);
}

char *
ja_json_event_finish (JaJsonEvent *ev)
{
  char *out;

  g_string_append_c (ev->buf, '}');
  out = g_string_free (ev->buf, FALSE);
  g_free (ev);
  return out;
}

void
ja_json_event_emit (JaJsonEvent *ev)
{
  g_autofree char *line = ja_json_event_finish (ev);

  fputs (line, stdout);
  fputc ('\n', stdout);
  fflush (stdout);
}

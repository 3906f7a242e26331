/* fuzz-xml-stream-parser.c — libFuzzer target for the XML stream parser
 * (RFC 6120 §4, §11): the input is raw stream bytes, split at a point taken
 * from its middle byte. Oracles: the stanzas reported must not depend on
 * the split (see assert_same_stanzas); every stanza written out must parse
 * back and be written out the same way again (the writer's escaping and
 * xmlns scoping are exact); a deep copy must write out the same; and no
 * input may reach g_warning or g_critical. */

#include <stdint.h>
#include <string.h>

#include <glib.h>

#include "signalling/xml/xml-stream-parser.h"
#include "signalling/xml/xml-writer.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static const JaXmlStreamLimits limits = {
  .max_stanza_bytes = 16 * 1024,
  .max_depth = 32,
  .max_attrs = 64,
  .max_text_bytes = 8 * 1024,
};

typedef struct {
  JaXmlStreamParser *parser;
  GPtrArray *stanzas;  /* serialised */
  guint stop_after;    /* 0: never */
} Run;

/* Escaping can grow a value six-fold (' → &apos;): the re-parse of what we
 * wrote needs room. */
static const JaXmlStreamLimits reparse_limits = {
  .max_stanza_bytes = 1024 * 1024,
  .max_depth = 64,
  .max_attrs = 1024,
  .max_text_bytes = 1024 * 1024,
};

static void
collect_cb (gpointer user_data, JaXmlNode *stanza)
{
  GPtrArray *out = user_data;

  g_ptr_array_add (out, stanza);
}

/* Writes stanza, parses that back, writes it again: both must agree. */
static void
check_round_trip (const char *written)
{
  static const JaXmlStreamCallbacks collect = { .stanza = collect_cb };
  g_autoptr (GPtrArray) back = g_ptr_array_new_with_free_func (
      (GDestroyNotify) ja_xml_node_free);
  g_autoptr (JaXmlStreamParser) parser = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *again = NULL;

  parser = ja_xml_stream_parser_new (&reparse_limits, &collect, back);
  ja_xml_stream_parser_set_require_stream_header (parser, FALSE);
  if (!ja_xml_stream_parser_feed (parser, "<r>", 3, &error)
      || !ja_xml_stream_parser_feed (parser, written, strlen (written), &error)
      || !ja_xml_stream_parser_feed (parser, "</r>", 4, &error))
    g_error ("written stanza does not parse (%s): %s", error->message,
        written);
  g_assert (back->len == 1);
  again = ja_xml_node_to_string (back->pdata[0], NULL);
  if (strcmp (written, again) != 0)
    g_error ("round trip differs:\n%s\n%s", written, again);
}

static void
stanza_cb (gpointer user_data, JaXmlNode *stanza)
{
  Run *run = user_data;
  g_autoptr (JaXmlNode) owned = stanza;   /* (transfer full) */
  g_autoptr (JaXmlNode) copy = ja_xml_node_copy (owned);
  char *written = ja_xml_node_to_string (owned, NULL);
  g_autofree char *copied = ja_xml_node_to_string (copy, NULL);
  g_autofree char *pretty = ja_xml_node_to_pretty_string (owned,
      "jabber:client");

  g_assert (strcmp (written, copied) == 0);
  g_assert (pretty != NULL);
  check_round_trip (written);
  g_ptr_array_add (run->stanzas, written);
  if (run->stop_after != 0 && run->stanzas->len == run->stop_after)
    ja_xml_stream_parser_stop (run->parser);
}

static void
stream_start_cb (gpointer user_data, const JaXmlNode *header)
{
  g_autofree char *s = ja_xml_node_to_string (header, NULL);
  g_autoptr (GString) open = g_string_new (NULL);

  ja_xml_writer_append_open (open, header, NULL, "jabber:client");
  ja_xml_writer_append_close (open, header);
  g_assert (s != NULL && open->len > 0);
}

static const JaXmlStreamCallbacks callbacks = {
  .stream_start = stream_start_cb,
  .stanza = stanza_cb,
};

/* Feeds data in the given pieces; returns whether the stream is still ok. */
static gboolean
run_pieces (Run *run, const uint8_t *data, size_t size, const size_t *cuts,
    guint n_cuts)
{
  size_t at = 0;

  for (guint i = 0; i <= n_cuts; i++) {
    size_t end = i < n_cuts ? cuts[i] : size;
    g_autoptr (GError) error = NULL;

    if (!ja_xml_stream_parser_feed (run->parser, data + at, end - at,
            &error)) {
      g_assert (error != NULL && error->domain == JA_XML_ERROR);
      g_assert (ja_xml_error_to_stream_condition (error->code) != NULL);
      return FALSE;
    }
    g_assert (error == NULL);
    at = end;
  }
  return TRUE;
}

static void
run_init (Run *run, gboolean require_header)
{
  run->parser = ja_xml_stream_parser_new (&limits, &callbacks, run);
  ja_xml_stream_parser_set_require_stream_header (run->parser,
      require_header);
  run->stanzas = g_ptr_array_new_with_free_func (g_free);
  run->stop_after = 0;
}

static void
run_clear (Run *run)
{
  g_clear_pointer (&run->parser, ja_xml_stream_parser_free);
  g_clear_pointer (&run->stanzas, g_ptr_array_unref);
}

/* The split must not change the stanzas. It may change whether an error is
 * seen by the end of the input: expat reports some errors in a token cut
 * by a chunk end (junk after the root, say) only when more bytes come. */
static void
assert_same_stanzas (const Run *a, gboolean a_ok, const Run *b,
    gboolean b_ok)
{
  guint n = MIN (a->stanzas->len, b->stanzas->len);

  if (a_ok && b_ok)
    g_assert (a->stanzas->len == b->stanzas->len);
  if (a_ok && !b_ok)
    g_assert (b->stanzas->len <= a->stanzas->len);
  if (b_ok && !a_ok)
    g_assert (a->stanzas->len <= b->stanzas->len);
  for (guint i = 0; i < n; i++)
    g_assert (strcmp (a->stanzas->pdata[i], b->stanzas->pdata[i]) == 0);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static gboolean once;
  /* Inputs that start like XML get the stream header check; a leading
   * byte >= 0x80 (a UTF-8 BOM, say) selects the plain-root mode. */
  gboolean require_header = size == 0 || data[0] < 0x80;
  size_t cut = size > 0 ? (data[size / 2] * 131u + size) % (size + 1) : 0;
  Run whole = { 0 };
  Run split = { 0 };
  gboolean whole_ok;
  gboolean split_ok;

  if (!once) {      /* a peer must never reach g_warning/g_critical */
    g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
    once = TRUE;
  }

  run_init (&whole, require_header);
  whole_ok = run_pieces (&whole, data, size, NULL, 0);
  run_init (&split, require_header);
  split_ok = run_pieces (&split, data, size, &cut, 1);
  assert_same_stanzas (&whole, whole_ok, &split, split_ok);

  /* Stop after the first stanza, reset, and parse the whole input again as
   * a new stream (the STARTTLS/SASL restart path). */
  g_ptr_array_set_size (split.stanzas, 0);
  ja_xml_stream_parser_reset (split.parser);
  split.stop_after = 1;
  run_pieces (&split, data, size, &cut, 1);
  g_assert (split.stanzas->len <= 1);
  ja_xml_stream_parser_reset (split.parser);
  split.stop_after = 0;
  g_ptr_array_set_size (split.stanzas, 0);
  split_ok = run_pieces (&split, data, size, NULL, 0);
  g_assert (split_ok == whole_ok);
  assert_same_stanzas (&whole, whole_ok, &split, split_ok);

  run_clear (&whole);
  run_clear (&split);
  return 0;
}

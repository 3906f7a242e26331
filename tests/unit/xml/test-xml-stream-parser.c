/* test-xml-stream-parser.c — the incremental stream parser against RFC 6120
 * §4 (streams), §4.9.3 (stream error conditions) and §11 (XML usage:
 * restricted XML, whitespace), in every chunking a socket could produce. */

#include "signalling/xml/xml-stream-parser.h"
#include "signalling/xml/xml-writer.h"

#include <string.h>

#define NS_STREAMS "http://etherx.jabber.org/streams"

/* A client stream as a server sends it, with the things that break naive
 * parsers: multi-byte UTF-8, entity and character references, CDATA, a
 * prefixed namespaced attribute, xml:lang, whitespace keepalives, prefixed
 * top-level children and the closing tag. */
static const char realistic_stream[] =
  "<?xml version='1.0'?>"
  "<stream:stream xmlns='jabber:client' "
  "xmlns:stream='http://etherx.jabber.org/streams' "
  "id='++TR84Sm6A3hnt3Q065SnAbbk3Y=' from='im.example.com' version='1.0' "
  "xml:lang='en'>"
  "<stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'>"
  "<required/></starttls></stream:features>"
  "<message from='juliet@im.example.com/balcony' to='romeo@example.net' "
  "type='chat' id='ktx72v49' xml:lang='en'>"
  "<body>Art thou not Rom\xc3\xa9o, &amp; a Montague?</body>"
  "<thread>e0ffe42b28561960c6b12b944a092794b9683a38</thread>"
  "<active xmlns='http://jabber.org/protocol/chatstates'/></message>"
  " \n\t "
  "<iq type=\"set\" id=\"jingle1\" from='romeo@example.net/orchard' "
  "to='juliet@im.example.com/balcony'>\n"
  "  <jingle xmlns='urn:xmpp:jingle:1' action='session-initiate' "
  "initiator='romeo@example.net/orchard' sid='a73sjjvkla37jfea'>\n"
  "    <content creator='initiator' name='voice'>"
  "<description xmlns='urn:xmpp:jingle:apps:rtp:1' media='audio'>"
  "<payload-type id='96' name='speex' clockrate='16000'/>"
  "<payload-type id='18' name='G729'/></description>"
  "<transport xmlns='urn:xmpp:jingle:transports:ice-udp:1' "
  "pwd='asd88fgpdd777uzjYhagZg' ufrag='8hhy'>"
  "<candidate component='1' foundation='1' generation='0' id='el0747fg11' "
  "ip='10.0.1.1' network='1' port='8998' priority='2130706431' "
  "protocol='udp' type='host'/></transport></content>\n"
  "  </jingle>\n</iq>"
  "<presence from='juliet@im.example.com/balcony'><show>away</show>"
  "<status>&lt;gone&gt; &quot;fishing&quot; &#x263A;&#9;&apos;</status>"
  "<c xmlns='http://jabber.org/protocol/caps' hash='sha-1' "
  "node='http://code.google.com/p/exodus' ver='QgayPKawpkPSDYmwT/WM94uAlu0='/>"
  "</presence>\r\n"
  "<message to='romeo@example.net'><body><![CDATA[if (a < b && c > d)]]>"
  "</body><x xmlns='jabber:x:oob' xmlns:foo='urn:foo' foo:bar='b&amp;z'>"
  "<url>http://example.com/\xe2\x98\x83</url></x></message>"
  "<stream:error><conflict xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>"
  "<text xmlns='urn:ietf:params:xml:ns:xmpp-streams' xml:lang='en'>"
  "Replaced by new connection</text></stream:error>"
  "</stream:stream>";

/* Each stanza as ja_xml_node_to_string (stanza, "jabber:client") writes it. */
static const char *const realistic_stanzas[] = {
  "<stream:features xmlns:stream='http://etherx.jabber.org/streams'>"
  "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'><required/></starttls>"
  "</stream:features>",
  "<message from='juliet@im.example.com/balcony' to='romeo@example.net' "
  "type='chat' id='ktx72v49' xml:lang='en'>"
  "<body>Art thou not Rom\xc3\xa9o, &amp; a Montague?</body>"
  "<thread>e0ffe42b28561960c6b12b944a092794b9683a38</thread>"
  "<active xmlns='http://jabber.org/protocol/chatstates'/></message>",
  "<iq type='set' id='jingle1' from='romeo@example.net/orchard' "
  "to='juliet@im.example.com/balcony'>"
  "<jingle xmlns='urn:xmpp:jingle:1' action='session-initiate' "
  "initiator='romeo@example.net/orchard' sid='a73sjjvkla37jfea'>"
  "<content creator='initiator' name='voice'>"
  "<description xmlns='urn:xmpp:jingle:apps:rtp:1' media='audio'>"
  "<payload-type id='96' name='speex' clockrate='16000'/>"
  "<payload-type id='18' name='G729'/></description>"
  "<transport xmlns='urn:xmpp:jingle:transports:ice-udp:1' "
  "pwd='asd88fgpdd777uzjYhagZg' ufrag='8hhy'>"
  "<candidate component='1' foundation='1' generation='0' id='el0747fg11' "
  "ip='10.0.1.1' network='1' port='8998' priority='2130706431' "
  "protocol='udp' type='host'/></transport></content></jingle></iq>",
  "<presence from='juliet@im.example.com/balcony'><show>away</show>"
  "<status>&lt;gone&gt; \"fishing\" \xe2\x98\xba\t'</status>"
  "<c xmlns='http://jabber.org/protocol/caps' hash='sha-1' "
  "node='http://code.google.com/p/exodus' ver='QgayPKawpkPSDYmwT/WM94uAlu0='/>"
  "</presence>",
  "<message to='romeo@example.net'><body>if (a &lt; b &amp;&amp; c &gt; d)"
  "</body><x xmlns='jabber:x:oob' xmlns:ns0='urn:foo' ns0:bar='b&amp;z'>"
  "<url>http://example.com/\xe2\x98\x83</url></x></message>",
  "<stream:error xmlns:stream='http://etherx.jabber.org/streams'>"
  "<conflict xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>"
  "<text xmlns='urn:ietf:params:xml:ns:xmpp-streams' xml:lang='en'>"
  "Replaced by new connection</text></stream:error>",
};

/* Records what the parser reports, serialised. */
typedef struct {
  JaXmlStreamParser *parser;
  GPtrArray *stanzas;       /* char* */
  char *header;
  char *content_ns;
  guint n_starts;
  guint n_ends;
  guint stop_after;         /* stop() after this many stanzas; 0: never */
} Fixture;

static void
stream_start_cb (gpointer user_data, const JaXmlNode *header)
{
  Fixture *f = user_data;

  g_assert_null (header->children);
  f->n_starts++;
  g_free (f->header);
  f->header = ja_xml_node_to_string (header, NULL);
  g_free (f->content_ns);
  f->content_ns = g_strdup (ja_xml_stream_parser_get_content_ns (f->parser));
}

static void
stanza_cb (gpointer user_data, JaXmlNode *stanza)
{
  Fixture *f = user_data;
  g_autoptr (JaXmlNode) owned = stanza;   /* (transfer full) */

  g_assert_null (owned->parent);
  g_ptr_array_add (f->stanzas, ja_xml_node_to_string (owned, "jabber:client"));
  if (f->stop_after != 0 && f->stanzas->len == f->stop_after)
    ja_xml_stream_parser_stop (f->parser);
}

static void
stream_end_cb (gpointer user_data)
{
  Fixture *f = user_data;

  f->n_ends++;
}

static const JaXmlStreamCallbacks callbacks = {
  .stream_start = stream_start_cb,
  .stanza = stanza_cb,
  .stream_end = stream_end_cb,
};

static void
fixture_use_limits (Fixture *f, const JaXmlStreamLimits *limits)
{
  g_clear_pointer (&f->parser, ja_xml_stream_parser_free);
  f->parser = ja_xml_stream_parser_new (limits, &callbacks, f);
}

static void
fixture_clear_results (Fixture *f)
{
  g_ptr_array_set_size (f->stanzas, 0);
  g_clear_pointer (&f->header, g_free);
  g_clear_pointer (&f->content_ns, g_free);
  f->n_starts = 0;
  f->n_ends = 0;
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  f->stanzas = g_ptr_array_new_with_free_func (g_free);
  fixture_use_limits (f, NULL);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_clear_pointer (&f->parser, ja_xml_stream_parser_free);
  g_clear_pointer (&f->stanzas, g_ptr_array_unref);
  g_clear_pointer (&f->header, g_free);
  g_clear_pointer (&f->content_ns, g_free);
}

static gboolean
feed_str (Fixture *f, const char *s, GError **error)
{
  return ja_xml_stream_parser_feed (f->parser, s, strlen (s), error);
}

static void
assert_realistic_result (Fixture *f)
{
  g_assert_cmpuint (f->n_starts, ==, 1);
  g_assert_cmpuint (f->n_ends, ==, 1);
  g_assert_cmpuint (f->stanzas->len, ==, G_N_ELEMENTS (realistic_stanzas));
  for (guint i = 0; i < f->stanzas->len; i++)
    g_assert_cmpstr (f->stanzas->pdata[i], ==, realistic_stanzas[i]);
}

/* Feeds the stream cut at the given offsets (ascending, ending with len). */
static void
feed_cut (Fixture *f, const char *data, const gsize *cuts, guint n_cuts)
{
  gsize at = 0;

  for (guint i = 0; i < n_cuts; i++) {
    g_autoptr (GError) error = NULL;

    ja_xml_stream_parser_feed (f->parser, data + at, cuts[i] - at, &error);
    g_assert_no_error (error);
    at = cuts[i];
  }
}

static void
test_whole (Fixture *f, gconstpointer data)
{
  gsize len = strlen (realistic_stream);

  feed_cut (f, realistic_stream, &len, 1);
  assert_realistic_result (f);
  g_assert_cmpstr (f->header, ==,
      "<stream:stream xmlns:stream='http://etherx.jabber.org/streams' "
      "id='++TR84Sm6A3hnt3Q065SnAbbk3Y=' from='im.example.com' "
      "version='1.0' xml:lang='en'/>");
  g_assert_cmpstr (f->content_ns, ==, "jabber:client");
}

static void
test_byte_at_a_time (Fixture *f, gconstpointer data)
{
  const char *tag = "</stream:features>";
  gsize len = strlen (realistic_stream);
  gsize features_end = strstr (realistic_stream, tag) - realistic_stream
      + strlen (tag);

  for (gsize i = 0; i < len; i++) {
    g_autoptr (GError) error = NULL;

    g_assert_true (ja_xml_stream_parser_feed (f->parser,
            realistic_stream + i, 1, &error));
    g_assert_no_error (error);
    /* A stanza is reported as soon as its last byte arrives, not when
     * more bytes follow (expat's reparse deferral is off). */
    if (i + 1 == features_end - 1)
      g_assert_cmpuint (f->stanzas->len, ==, 0);
    if (i + 1 == features_end)
      g_assert_cmpuint (f->stanzas->len, ==, 1);
  }
  assert_realistic_result (f);
}

static void
test_every_split (Fixture *f, gconstpointer data)
{
  gsize len = strlen (realistic_stream);

  for (gsize i = 0; i <= len; i++) {
    gsize cuts[] = { i, len };

    ja_xml_stream_parser_reset (f->parser);
    fixture_clear_results (f);
    feed_cut (f, realistic_stream, cuts, G_N_ELEMENTS (cuts));
    assert_realistic_result (f);
  }
}

static void
test_random_splits (Fixture *f, gconstpointer data)
{
  gsize len = strlen (realistic_stream);
  g_autoptr (GRand) rand = g_rand_new_with_seed (6120);

  for (guint round = 0; round < 200; round++) {
    gsize cuts[16];
    guint n = 0;
    gsize at = 0;

    while (n < G_N_ELEMENTS (cuts) - 1 && at < len) {
      gsize step = g_rand_int_range (rand, 0, 200);

      at = MIN (len, at + step);
      cuts[n++] = at;
    }
    cuts[n++] = len;
    ja_xml_stream_parser_reset (f->parser);
    fixture_clear_results (f);
    feed_cut (f, realistic_stream, cuts, n);
    assert_realistic_result (f);
  }
}

/* Nodes as the rest of the agent sees them: names, prefixes, attributes. */
static void
test_node_shape (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JaXmlNode) msg = NULL;
  JaXmlNode *x;

  msg = ja_xml_node_parse (
      "<message xmlns='jabber:client' xml:lang='fr' to='a@b'>"
      "<x xmlns='jabber:x:oob' xmlns:foo='urn:foo' foo:bar='1'/>"
      "<s:y xmlns:s='urn:s'/></message>", -1, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (msg->name, ==, "message");
  g_assert_cmpstr (msg->ns, ==, "jabber:client");
  g_assert_null (msg->prefix);
  g_assert_cmpstr (ja_xml_node_get_attr (msg, "xml:lang"), ==, "fr");
  g_assert_cmpstr (ja_xml_node_get_attr (msg, "to"), ==, "a@b");
  g_assert_cmpuint (ja_xml_node_get_n_attrs (msg), ==, 2);
  x = ja_xml_node_find (msg, "x", "jabber:x:oob");
  g_assert_nonnull (x);
  g_assert_true (x->parent == msg);
  /* Namespaced attributes are "URI local" (xml-node.h). */
  g_assert_cmpstr (ja_xml_node_get_attr (x, "urn:foo bar"), ==, "1");
  g_assert_cmpuint (ja_xml_node_get_n_attrs (x), ==, 1);
  x = ja_xml_node_find (msg, "y", "urn:s");
  g_assert_nonnull (x);
  g_assert_cmpstr (x->prefix, ==, "s");
}

/* More attributes than new_node() remembers sizes for, mixed kinds. */
static void
test_many_attrs (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GString) xml = g_string_new ("<e xmlns:n='urn:n'");
  g_autoptr (JaXmlNode) node = NULL;

  for (guint i = 0; i < 20; i++) {
    if (i == 3 || i == 12)
      g_string_append_printf (xml, " xml:a%u='v%u'", i, i);
    else if (i == 9 || i == 15)
      g_string_append_printf (xml, " n:a%u='v%u'", i, i);
    else
      g_string_append_printf (xml, " a%u='v%u'", i, i);
  }
  g_string_append (xml, "/>");
  node = ja_xml_node_parse (xml->str, xml->len, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ja_xml_node_get_n_attrs (node), ==, 20);
  for (guint i = 0; i < 20; i++) {
    g_autofree char *name = NULL;
    g_autofree char *value = g_strdup_printf ("v%u", i);

    if (i == 3 || i == 12)
      name = g_strdup_printf ("xml:a%u", i);
    else if (i == 9 || i == 15)
      name = g_strdup_printf ("urn:n a%u", i);
    else
      name = g_strdup_printf ("a%u", i);
    g_assert_cmpstr (ja_xml_node_get_attr (node, name), ==, value);
  }
}

static void
test_header_prefix (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (feed_str (f, "<stream:stream xmlns='jabber:server' "
          "xmlns:stream='http://etherx.jabber.org/streams' to='x'>", &error));
  g_assert_no_error (error);
  g_assert_cmpuint (f->n_starts, ==, 1);
  g_assert_cmpstr (f->content_ns, ==, "jabber:server");
  g_assert_cmpstr (f->header, ==, "<stream:stream "
      "xmlns:stream='http://etherx.jabber.org/streams' to='x'/>");
}

static void
test_unprefixed_header (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  /* Only the namespace and the local name matter (Namespaces in XML). */
  g_assert_true (feed_str (f,
          "<stream xmlns='http://etherx.jabber.org/streams'><a/>", &error));
  g_assert_no_error (error);
  g_assert_cmpuint (f->n_starts, ==, 1);
  g_assert_cmpstr (f->content_ns, ==, NS_STREAMS);
  g_assert_cmpuint (f->stanzas->len, ==, 1);
  g_assert_cmpstr (f->stanzas->pdata[0], ==,
      "<a xmlns='http://etherx.jabber.org/streams'/>");
}

static void
test_whitespace_keepalive (Fixture *f, gconstpointer data)
{
  static const JaXmlStreamLimits limits = { .max_stanza_bytes = 300 };
  g_autoptr (GError) error = NULL;

  fixture_use_limits (f, &limits);
  g_assert_true (feed_str (f, "<stream:stream xmlns='jabber:client' "
          "xmlns:stream='http://etherx.jabber.org/streams'>", &error));
  /* Far more whitespace than one stanza may hold: keepalives are no stanza
   * (RFC 6120 §4.6.1). */
  for (guint i = 0; i < 1000; i++)
    g_assert_true (feed_str (f, " ", &error));
  g_assert_true (feed_str (f, "<presence/>\n", &error));
  g_assert_no_error (error);
  g_assert_cmpuint (f->stanzas->len, ==, 1);
  g_assert_cmpstr (f->stanzas->pdata[0], ==, "<presence/>");
}

static void
test_stream_end (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (feed_str (f, "<stream:stream "
          "xmlns:stream='http://etherx.jabber.org/streams'>"
          "</stream:stream>", &error));
  g_assert_no_error (error);
  g_assert_cmpuint (f->n_ends, ==, 1);
  /* Nothing but whitespace may follow the end of the document. */
  g_assert_true (feed_str (f, " \n", &error));
  g_assert_false (feed_str (f, "<a/>", &error));
  g_assert_error (error, JA_XML_ERROR, JA_XML_ERROR_NOT_WELL_FORMED);
}

static void
test_no_callbacks (Fixture *f, gconstpointer data)
{
  g_autoptr (JaXmlStreamParser) parser = ja_xml_stream_parser_new (NULL,
      NULL, NULL);
  g_autoptr (GError) error = NULL;

  g_assert_true (ja_xml_stream_parser_feed (parser, realistic_stream,
          strlen (realistic_stream), &error));
  g_assert_no_error (error);
}

/* ---- limits: each one fails feed() with POLICY_VIOLATION ---- */

#define HEADER "<stream:stream xmlns='jabber:client' " \
  "xmlns:stream='http://etherx.jabber.org/streams'>"

static void
assert_feed_fails (Fixture *f, const char *s, JaXmlError code)
{
  g_autoptr (GError) error = NULL;

  g_assert_false (feed_str (f, s, &error));
  g_assert_error (error, JA_XML_ERROR, (gint) code);
}

static void
test_limit_stanza_bytes (Fixture *f, gconstpointer data)
{
  static const JaXmlStreamLimits limits = { .max_stanza_bytes = 64 };
  const char *fits = "<message><body>0123456789012345678901</body></message>";
  g_autofree char *big = g_strdup_printf ("<message><body>%0100d</body>"
      "</message>", 0);
  g_autoptr (GError) error = NULL;

  fixture_use_limits (f, &limits);
  g_assert_true (feed_str (f, "<stream:stream "
          "xmlns:stream='http://etherx.jabber.org/streams'>", &error));
  g_assert_true (feed_str (f, fits, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (f->stanzas->len, ==, 1);
  assert_feed_fails (f, big, JA_XML_ERROR_POLICY_VIOLATION);
  g_assert_cmpuint (f->stanzas->len, ==, 1);
}

static void
test_limit_stanza_bytes_trickled (Fixture *f, gconstpointer data)
{
  static const JaXmlStreamLimits limits = { .max_stanza_bytes = 64 };
  g_autoptr (GError) error = NULL;
  gsize i;

  fixture_use_limits (f, &limits);
  g_assert_true (feed_str (f, "<stream:stream "
          "xmlns:stream='http://etherx.jabber.org/streams'><message>",
          &error));
  /* Text that never ends, one byte at a time: caught near the limit. */
  for (i = 0; i < 1000; i++) {
    if (!feed_str (f, "x", &error))
      break;
  }
  g_assert_error (error, JA_XML_ERROR, JA_XML_ERROR_POLICY_VIOLATION);
  g_assert_cmpuint (i, <, 64);
}

static void
test_limit_start_tag_trickled (Fixture *f, gconstpointer data)
{
  static const JaXmlStreamLimits limits = { .max_stanza_bytes = 64 };
  g_autoptr (GError) error = NULL;
  gsize i;

  fixture_use_limits (f, &limits);
  g_assert_true (feed_str (f, "<stream:stream "
          "xmlns:stream='http://etherx.jabber.org/streams'><message to='",
          &error));
  /* An attribute value that never ends sits in expat's buffer: it counts. */
  for (i = 0; i < 1000; i++) {
    if (!feed_str (f, "aaaa", &error))
      break;
  }
  g_assert_error (error, JA_XML_ERROR, JA_XML_ERROR_POLICY_VIOLATION);
  g_assert_cmpuint (i, <, 16);
}

static void
test_limit_one_huge_feed (Fixture *f, gconstpointer data)
{
  g_autoptr (GString) s = g_string_new (HEADER "<message to='");

  /* 4 MiB of one unfinished attribute value in a single feed: refused
   * (and expat's buffer is bounded: the parser feeds it in pieces). */
  for (guint i = 0; i < 4 * 1024 * 1024 / 16; i++)
    g_string_append (s, "0123456789abcdef");
  assert_feed_fails (f, s->str, JA_XML_ERROR_POLICY_VIOLATION);
}

static void
test_limit_header_bytes (Fixture *f, gconstpointer data)
{
  static const JaXmlStreamLimits limits = { .max_stanza_bytes = 64 };
  g_autofree char *header = g_strdup_printf ("<stream:stream "
      "xmlns:stream='http://etherx.jabber.org/streams' id='%080d'>", 0);

  fixture_use_limits (f, &limits);
  assert_feed_fails (f, header, JA_XML_ERROR_POLICY_VIOLATION);
  g_assert_cmpuint (f->n_starts, ==, 0);
}

static void
test_limit_depth (Fixture *f, gconstpointer data)
{
  static const JaXmlStreamLimits limits = { .max_depth = 4 };
  g_autoptr (GError) error = NULL;

  fixture_use_limits (f, &limits);
  g_assert_true (feed_str (f, HEADER "<a><b><c><d/></c></b></a>", &error));
  g_assert_no_error (error);
  g_assert_cmpuint (f->stanzas->len, ==, 1);
  assert_feed_fails (f, "<a><b><c><d><e/></d></c></b></a>",
      JA_XML_ERROR_POLICY_VIOLATION);
}

static void
test_limit_deep_default (Fixture *f, gconstpointer data)
{
  g_autoptr (GString) s = g_string_new (HEADER);

  for (guint i = 0; i < 10000; i++)
    g_string_append (s, "<a>");
  assert_feed_fails (f, s->str, JA_XML_ERROR_POLICY_VIOLATION);
}

static void
test_limit_attrs (Fixture *f, gconstpointer data)
{
  static const JaXmlStreamLimits limits = { .max_attrs = 3 };
  g_autoptr (GError) error = NULL;

  fixture_use_limits (f, &limits);
  g_assert_true (feed_str (f, HEADER "<a b='1' c='2' d='3'/>", &error));
  g_assert_no_error (error);
  assert_feed_fails (f, "<a b='1' c='2' d='3' e='4'/>",
      JA_XML_ERROR_POLICY_VIOLATION);
}

static void
test_limit_header_attrs (Fixture *f, gconstpointer data)
{
  static const JaXmlStreamLimits limits = { .max_attrs = 1 };

  fixture_use_limits (f, &limits);
  assert_feed_fails (f, "<stream:stream "
      "xmlns:stream='http://etherx.jabber.org/streams' a='1' b='2'>",
      JA_XML_ERROR_POLICY_VIOLATION);
  g_assert_cmpuint (f->n_starts, ==, 0);
}

static void
test_limit_text (Fixture *f, gconstpointer data)
{
  static const JaXmlStreamLimits limits = { .max_text_bytes = 10 };
  g_autoptr (GError) error = NULL;

  fixture_use_limits (f, &limits);
  g_assert_true (feed_str (f, HEADER "<a>0123456789</a><b>&amp;12345678</b>",
          &error));
  g_assert_no_error (error);
  g_assert_cmpuint (f->stanzas->len, ==, 2);
  /* 11 bytes of text, delivered by expat in pieces across two chunks. */
  g_assert_true (feed_str (f, "<a>01234&lt;", &error));
  assert_feed_fails (f, "56789</a>", JA_XML_ERROR_POLICY_VIOLATION);
}

/* ---- RFC 6120 §11.1 restricted XML ---- */

static void
test_restricted_dtd (Fixture *f, gconstpointer data)
{
  assert_feed_fails (f, "<?xml version='1.0'?><!DOCTYPE stream:stream>"
      "<stream:stream xmlns:stream='http://etherx.jabber.org/streams'>",
      JA_XML_ERROR_RESTRICTED_XML);
  g_assert_cmpuint (f->n_starts, ==, 0);
}

static void
test_restricted_entity_decl (Fixture *f, gconstpointer data)
{
  assert_feed_fails (f, "<!DOCTYPE s [<!ENTITY x 'y'>]><s>&x;</s>",
      JA_XML_ERROR_RESTRICTED_XML);
}

static void
test_restricted_billion_laughs (Fixture *f, gconstpointer data)
{
  assert_feed_fails (f,
      "<?xml version='1.0'?><!DOCTYPE lolz [<!ENTITY lol 'lol'>"
      "<!ENTITY lol2 '&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;'>"
      "<!ENTITY lol3 '&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;'>]>"
      "<stream:stream xmlns:stream='http://etherx.jabber.org/streams'>"
      "<lolz>&lol3;</lolz>", JA_XML_ERROR_RESTRICTED_XML);
}

static void
test_restricted_comment (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (feed_str (f, HEADER "<a/>", &error));
  assert_feed_fails (f, "<b><!-- hi --></b>", JA_XML_ERROR_RESTRICTED_XML);
  g_assert_cmpuint (f->stanzas->len, ==, 1);
}

static void
test_restricted_comment_prolog (Fixture *f, gconstpointer data)
{
  assert_feed_fails (f, "<?xml version='1.0'?><!-- x -->" HEADER,
      JA_XML_ERROR_RESTRICTED_XML);
}

static void
test_restricted_pi (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (feed_str (f, HEADER, &error));
  assert_feed_fails (f, "<?xml-stylesheet href='a'?>",
      JA_XML_ERROR_RESTRICTED_XML);
}

static void
test_restricted_xml_decl_mid_stream (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (feed_str (f, HEADER, &error));
  assert_feed_fails (f, "<?xml version='1.0'?>", JA_XML_ERROR_RESTRICTED_XML);
}

static void
test_restricted_undefined_entity (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (feed_str (f, HEADER, &error));
  assert_feed_fails (f, "<a>&nbsp;</a>", JA_XML_ERROR_RESTRICTED_XML);
}

static void
test_restricted_undefined_entity_attr (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (feed_str (f, HEADER, &error));
  assert_feed_fails (f, "<a b='&foo;'/>", JA_XML_ERROR_RESTRICTED_XML);
}

static void
test_xml_decl_allowed (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (feed_str (f, "<?xml version='1.0' encoding='UTF-8'?>"
          HEADER "<a>&lt;&gt;&amp;&quot;&apos;&#65;&#x42;</a>", &error));
  g_assert_no_error (error);
  g_assert_cmpuint (f->stanzas->len, ==, 1);
  g_assert_cmpstr (f->stanzas->pdata[0], ==, "<a>&lt;&gt;&amp;\"'AB</a>");
}

/* ---- malformed input ---- */

static void
test_not_well_formed (Fixture *f, gconstpointer data)
{
  static const char *const cases[] = {
    HEADER "<a></b>",
    HEADER "<a b='1' b='2'/>",
    HEADER "<a>\xff</a>",
    HEADER "<a>\xc3\x28</a>",
    HEADER "<foo:bar/>",
    HEADER "<a b='<'/>",
    HEADER "<a>\x01</a>",
    HEADER "<a xmlns='x y'/>",
    HEADER "</stream:stream><a/>",
    "<stream:stream xmlns:stream='http://etherx.jabber.org/streams' a=b>",
    "junk <a/>",
    "<>",
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    ja_xml_stream_parser_reset (f->parser);
    assert_feed_fails (f, cases[i], JA_XML_ERROR_NOT_WELL_FORMED);
  }
}

static void
test_nul_byte (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (feed_str (f, HEADER, &error));
  g_assert_false (ja_xml_stream_parser_feed (f->parser, "<a>\0</a>", 8,
          &error));
  g_assert_error (error, JA_XML_ERROR, JA_XML_ERROR_NOT_WELL_FORMED);
}

/* RFC 6120 §11.6: UTF-8 only, whatever expat would detect. */
static void
test_utf16_refused (Fixture *f, gconstpointer data)
{
  static const struct {
    const char *bytes;
    gsize len;
  } cases[] = {
    { "\xff\xfe<\0a\0/\0>\0", 10 },
    { "\xfe\xff\0<\0a\0/\0>", 10 },
    { "<\0s\0>\0", 6 },
    { "'\0\xbf<rnot xmlns='}r:fs'>", 27 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    /* Whole, and cut after the first byte. */
    for (gsize cut = 0; cut < 2; cut++) {
      g_autoptr (GError) error = NULL;
      gboolean ok;

      ja_xml_stream_parser_reset (f->parser);
      ok = ja_xml_stream_parser_feed (f->parser, cases[i].bytes, cut, &error)
          && ja_xml_stream_parser_feed (f->parser, cases[i].bytes + cut,
              cases[i].len - cut, &error);
      g_assert_false (ok);
      g_assert_error (error, JA_XML_ERROR, JA_XML_ERROR_NOT_WELL_FORMED);
    }
  }
}

static void
test_text_outside_stanza (Fixture *f, gconstpointer data)
{
  assert_feed_fails (f, HEADER "<a/>hello", JA_XML_ERROR_BAD_FORMAT);
  g_assert_cmpuint (f->stanzas->len, ==, 1);
}

static void
test_wrong_stream_namespace (Fixture *f, gconstpointer data)
{
  static const char *const cases[] = {
    "<stream:stream xmlns:stream='http://etherx.jabber.org/stream'>",
    "<stream xmlns='jabber:client'>",
    "<stream>",
    "<stream:features xmlns:stream='http://etherx.jabber.org/streams'>",
    "<message xmlns='jabber:client'/>",
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    ja_xml_stream_parser_reset (f->parser);
    fixture_clear_results (f);
    assert_feed_fails (f, cases[i], JA_XML_ERROR_INVALID_NAMESPACE);
    g_assert_cmpuint (f->n_starts, ==, 0);
  }
}

static void
test_plain_root (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  ja_xml_stream_parser_set_require_stream_header (f->parser, FALSE);
  g_assert_true (feed_str (f, "<root a='1'><x/> <y xmlns='urn:y'>t</y></root>",
          &error));
  g_assert_no_error (error);
  g_assert_cmpstr (f->header, ==, "<root a='1'/>");
  g_assert_cmpuint (f->stanzas->len, ==, 2);
  g_assert_cmpstr (f->stanzas->pdata[0], ==, "<x/>");
  g_assert_cmpstr (f->stanzas->pdata[1], ==, "<y xmlns='urn:y'>t</y>");
  g_assert_cmpuint (f->n_ends, ==, 1);
  /* The setting survives reset. */
  ja_xml_stream_parser_reset (f->parser);
  g_assert_true (feed_str (f, "<other/>", &error));
  g_assert_no_error (error);
}

static void
test_error_is_sticky (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  assert_feed_fails (f, HEADER "<a><!-- x --></a>",
      JA_XML_ERROR_RESTRICTED_XML);
  /* Valid bytes do not revive a broken stream. */
  assert_feed_fails (f, "<b/>", JA_XML_ERROR_RESTRICTED_XML);
  assert_feed_fails (f, "", JA_XML_ERROR_RESTRICTED_XML);
  g_assert_cmpuint (f->stanzas->len, ==, 0);
  ja_xml_stream_parser_reset (f->parser);
  g_assert_true (feed_str (f, HEADER "<b/>", &error));
  g_assert_no_error (error);
  g_assert_cmpuint (f->stanzas->len, ==, 1);
}

static void
test_error_conditions (void)
{
  g_assert_cmpstr (ja_xml_error_to_stream_condition (
          JA_XML_ERROR_NOT_WELL_FORMED), ==, "not-well-formed");
  g_assert_cmpstr (ja_xml_error_to_stream_condition (
          JA_XML_ERROR_RESTRICTED_XML), ==, "restricted-xml");
  g_assert_cmpstr (ja_xml_error_to_stream_condition (
          JA_XML_ERROR_POLICY_VIOLATION), ==, "policy-violation");
  g_assert_cmpstr (ja_xml_error_to_stream_condition (
          JA_XML_ERROR_INVALID_NAMESPACE), ==, "invalid-namespace");
  g_assert_cmpstr (ja_xml_error_to_stream_condition (
          JA_XML_ERROR_BAD_FORMAT), ==, "bad-format");
  g_assert_cmpstr (ja_xml_error_to_stream_condition (-1), ==,
      "undefined-condition");
  g_assert_cmpstr (ja_xml_error_to_stream_condition (99), ==,
      "undefined-condition");
}

/* ---- stop() and reset() ---- */

static void
test_stop (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  f->stop_after = 2;
  g_assert_true (ja_xml_stream_parser_feed (f->parser, realistic_stream,
          strlen (realistic_stream), &error));
  g_assert_no_error (error);
  g_assert_cmpuint (f->stanzas->len, ==, 2);
  g_assert_cmpuint (f->n_ends, ==, 0);
  /* Stopped until reset: more bytes, even broken ones, are ignored. */
  g_assert_true (feed_str (f, "<a/></nonsense>", &error));
  g_assert_no_error (error);
  g_assert_cmpuint (f->stanzas->len, ==, 2);
}

/* The STARTTLS and SASL pattern (RFC 6120 §5.4.3.3, §6.4.6): the answer
 * that ends the stream arrives with the first bytes of what follows. */
static void
test_stop_reset_restart (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  f->stop_after = 1;
  g_assert_true (feed_str (f, HEADER
          "<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>\x16\x03\x01",
          &error));
  g_assert_no_error (error);
  g_assert_cmpuint (f->stanzas->len, ==, 1);
  g_assert_cmpstr (f->stanzas->pdata[0], ==,
      "<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");

  ja_xml_stream_parser_reset (f->parser);
  f->stop_after = 0;
  g_assert_true (feed_str (f, "<?xml version='1.0'?>" HEADER
          "<stream:features/>", &error));
  g_assert_no_error (error);
  g_assert_cmpuint (f->n_starts, ==, 2);
  g_assert_cmpuint (f->stanzas->len, ==, 2);
}

static void
test_stop_outside_callback (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (feed_str (f, HEADER, &error));
  ja_xml_stream_parser_stop (f->parser);
  g_assert_true (feed_str (f, "<a/>", &error));
  g_assert_cmpuint (f->stanzas->len, ==, 0);
  ja_xml_stream_parser_reset (f->parser);
  g_assert_true (feed_str (f, HEADER "<a/>", &error));
  g_assert_cmpuint (f->stanzas->len, ==, 1);
}

static void
test_reset_mid_stanza (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (feed_str (f, HEADER "<message><body>half", &error));
  ja_xml_stream_parser_reset (f->parser);
  g_assert_null (ja_xml_stream_parser_get_content_ns (f->parser));
  g_assert_true (feed_str (f, "<stream:stream xmlns='jabber:server' "
          "xmlns:stream='http://etherx.jabber.org/streams'><a/>", &error));
  g_assert_no_error (error);
  g_assert_cmpuint (f->stanzas->len, ==, 1);
  g_assert_cmpstr (f->stanzas->pdata[0], ==, "<a xmlns='jabber:server'/>");
  g_assert_cmpstr (ja_xml_stream_parser_get_content_ns (f->parser), ==,
      "jabber:server");
}

static void
test_reset_byte_counts (Fixture *f, gconstpointer data)
{
  static const JaXmlStreamLimits limits = { .max_stanza_bytes = 200 };
  g_autoptr (GError) error = NULL;

  fixture_use_limits (f, &limits);
  /* Offsets restart with each stream: many streams of small stanzas. */
  for (guint i = 0; i < 50; i++) {
    ja_xml_stream_parser_reset (f->parser);
    g_assert_true (feed_str (f, HEADER "<a>0123456789</a>", &error));
    g_assert_no_error (error);
  }
  g_assert_cmpuint (f->stanzas->len, ==, 50);
}

/* ---- ja_xml_node_parse ---- */

static void
test_parse_document (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JaXmlNode) node = NULL;
  g_autofree char *s = NULL;

  node = ja_xml_node_parse ("<?xml version='1.0'?>\n<iq xmlns='jabber:client' "
      "type='get'>\n  <query xmlns='jabber:iq:version'/>\n</iq>\n", -1, &error);
  g_assert_no_error (error);
  s = ja_xml_node_to_string (node, NULL);
  g_assert_cmpstr (s, ==, "<iq xmlns='jabber:client' type='get'>"
      "<query xmlns='jabber:iq:version'/></iq>");
  g_clear_pointer (&node, ja_xml_node_free);

  node = ja_xml_node_parse ("<a>x<b/>y</a>", -1, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ja_xml_node_get_text (node), ==, "xy");
  g_assert_cmpuint (ja_xml_node_get_n_children (node), ==, 1);
}

static void
test_parse_document_errors (void)
{
  static const struct {
    const char *xml;
    JaXmlError code;
  } cases[] = {
    { "<a>", JA_XML_ERROR_NOT_WELL_FORMED },
    { "", JA_XML_ERROR_NOT_WELL_FORMED },
    { "<a/><b/>", JA_XML_ERROR_NOT_WELL_FORMED },
    { "<a><!--c--></a>", JA_XML_ERROR_RESTRICTED_XML },
    { "<a>&lol;</a>", JA_XML_ERROR_RESTRICTED_XML },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autoptr (GError) error = NULL;
    g_autoptr (JaXmlNode) node = ja_xml_node_parse (cases[i].xml, -1, &error);

    g_assert_null (node);
    g_assert_error (error, JA_XML_ERROR, (gint) cases[i].code);
  }
}

#define ADD(path, fn) \
  g_test_add ("/xml/stream-parser/" path, Fixture, NULL, fixture_set_up, \
      fn, fixture_tear_down)

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  ADD ("whole", test_whole);
  ADD ("byte-at-a-time", test_byte_at_a_time);
  ADD ("every-split", test_every_split);
  ADD ("random-splits", test_random_splits);
  ADD ("node-shape", test_node_shape);
  ADD ("many-attrs", test_many_attrs);
  ADD ("header-prefix", test_header_prefix);
  ADD ("unprefixed-header", test_unprefixed_header);
  ADD ("whitespace-keepalive", test_whitespace_keepalive);
  ADD ("stream-end", test_stream_end);
  ADD ("no-callbacks", test_no_callbacks);
  ADD ("limit/stanza-bytes", test_limit_stanza_bytes);
  ADD ("limit/stanza-bytes-trickled", test_limit_stanza_bytes_trickled);
  ADD ("limit/start-tag-trickled", test_limit_start_tag_trickled);
  ADD ("limit/one-huge-feed", test_limit_one_huge_feed);
  ADD ("limit/header-bytes", test_limit_header_bytes);
  ADD ("limit/depth", test_limit_depth);
  ADD ("limit/depth-default", test_limit_deep_default);
  ADD ("limit/attrs", test_limit_attrs);
  ADD ("limit/header-attrs", test_limit_header_attrs);
  ADD ("limit/text", test_limit_text);
  ADD ("restricted/dtd", test_restricted_dtd);
  ADD ("restricted/entity-decl", test_restricted_entity_decl);
  ADD ("restricted/billion-laughs", test_restricted_billion_laughs);
  ADD ("restricted/comment", test_restricted_comment);
  ADD ("restricted/comment-prolog", test_restricted_comment_prolog);
  ADD ("restricted/pi", test_restricted_pi);
  ADD ("restricted/xml-decl-mid-stream", test_restricted_xml_decl_mid_stream);
  ADD ("restricted/undefined-entity", test_restricted_undefined_entity);
  ADD ("restricted/undefined-entity-attr",
      test_restricted_undefined_entity_attr);
  ADD ("xml-decl-allowed", test_xml_decl_allowed);
  ADD ("not-well-formed", test_not_well_formed);
  ADD ("nul-byte", test_nul_byte);
  ADD ("utf16-refused", test_utf16_refused);
  ADD ("text-outside-stanza", test_text_outside_stanza);
  ADD ("wrong-stream-namespace", test_wrong_stream_namespace);
  ADD ("plain-root", test_plain_root);
  ADD ("error-is-sticky", test_error_is_sticky);
  ADD ("stop", test_stop);
  ADD ("stop-reset-restart", test_stop_reset_restart);
  ADD ("stop-outside-callback", test_stop_outside_callback);
  ADD ("reset-mid-stanza", test_reset_mid_stanza);
  ADD ("reset-byte-counts", test_reset_byte_counts);
  g_test_add_func ("/xml/stream-parser/error-conditions",
      test_error_conditions);
  g_test_add_func ("/xml/stream-parser/parse-document", test_parse_document);
  g_test_add_func ("/xml/stream-parser/parse-document-errors",
      test_parse_document_errors);

  return g_test_run ();
}

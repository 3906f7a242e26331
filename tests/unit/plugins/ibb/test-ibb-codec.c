/* test-ibb-codec.c — the XEP-0047 codec (plugins/ibb/ibb-codec.c): every
 * parse error of <open/>, <data/> and <close/> with the condition the spec
 * names, sequence wrap-around, base64 edge cases and round trips. */
#include <string.h>

#include "plugins/ibb/ibb-codec.h"
#include "signalling/xml/xml-stream-parser.h"
#include "signalling/xml/xml-writer.h"
#include "signalling/xmpp/ns.h"
#include "signalling/xmpp/xmpp-error.h"

static JaXmlNode *
parse (const char *xml)
{
  g_autoptr (GError) error = NULL;
  JaXmlNode *node = ja_xml_node_parse (xml, -1, &error);

  g_assert_no_error (error);
  g_assert_nonnull (node);
  return node;
}

#define IBB "xmlns='" JA_NS_IBB "'"

/* ---- <open/> ------------------------------------------------------------ */

static void
test_open_ok (void)
{
  g_autoptr (JaXmlNode) n = parse ("<open " IBB " block-size='4096' "
      "sid='i781hf64' stanza='iq'/>");
  g_autoptr (JaXmlNode) n2 = parse ("<open " IBB " block-size='65535' "
      "sid='a.b-c_d:e'/>");
  g_autoptr (GError) error = NULL;
  g_autoptr (JaIbbOpen) o = ja_ibb_open_parse (n, 65535, &error);
  g_autoptr (JaIbbOpen) o2 = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (o->sid, ==, "i781hf64");
  g_assert_cmpuint (o->block_size, ==, 4096);
  g_assert_cmpint (o->stanza, ==, JA_IBB_STANZA_IQ);
  /* stanza defaults to iq */
  o2 = ja_ibb_open_parse (n2, 65535, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (o2->block_size, ==, 65535);
  g_assert_cmpint (o2->stanza, ==, JA_IBB_STANZA_IQ);
}

typedef struct {
  const char *xml;
  guint16 max;
  JaXmppErrorCondition cond;
} OpenCase;

static const OpenCase open_errors[] = {
  { "<open " IBB " block-size='4096'/>", 65535, JA_XMPP_ERROR_BAD_REQUEST },
  { "<open " IBB " block-size='4096' sid=''/>", 65535, JA_XMPP_ERROR_BAD_REQUEST },
  { "<open " IBB " block-size='4096' sid='a b'/>", 65535, JA_XMPP_ERROR_BAD_REQUEST },
  { "<open " IBB " block-size='4096' sid='a/b'/>", 65535, JA_XMPP_ERROR_BAD_REQUEST },
  { "<open " IBB " sid='s'/>", 65535, JA_XMPP_ERROR_BAD_REQUEST },
  { "<open " IBB " sid='s' block-size=''/>", 65535, JA_XMPP_ERROR_BAD_REQUEST },
  { "<open " IBB " sid='s' block-size='0'/>", 65535, JA_XMPP_ERROR_BAD_REQUEST },
  { "<open " IBB " sid='s' block-size='-1'/>", 65535, JA_XMPP_ERROR_BAD_REQUEST },
  { "<open " IBB " sid='s' block-size='+4'/>", 65535, JA_XMPP_ERROR_BAD_REQUEST },
  { "<open " IBB " sid='s' block-size=' 4'/>", 65535, JA_XMPP_ERROR_BAD_REQUEST },
  { "<open " IBB " sid='s' block-size='4k'/>", 65535, JA_XMPP_ERROR_BAD_REQUEST },
  { "<open " IBB " sid='s' block-size='65536'/>", 65535, JA_XMPP_ERROR_NOT_ACCEPTABLE },
  { "<open " IBB " sid='s' block-size='99999999999999999999'/>", 65535,
    JA_XMPP_ERROR_NOT_ACCEPTABLE },
  { "<open " IBB " sid='s' block-size='8192'/>", 4096,
    JA_XMPP_ERROR_RESOURCE_CONSTRAINT },
  { "<open " IBB " sid='s' block-size='4096' stanza='message'/>", 65535,
    JA_XMPP_ERROR_NOT_ACCEPTABLE },
  { "<open " IBB " sid='s' block-size='4096' stanza='presence'/>", 65535,
    JA_XMPP_ERROR_BAD_REQUEST },
  { "<open xmlns='urn:other' sid='s' block-size='4096'/>", 65535,
    JA_XMPP_ERROR_BAD_REQUEST },
  { "<data " IBB " sid='s' block-size='4096'/>", 65535, JA_XMPP_ERROR_BAD_REQUEST },
};

static void
test_open_errors (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (open_errors); i++) {
    g_autoptr (JaXmlNode) n = parse (open_errors[i].xml);
    g_autoptr (GError) error = NULL;
    g_autoptr (JaIbbOpen) o = ja_ibb_open_parse (n, open_errors[i].max,
        &error);

    g_test_message ("%s", open_errors[i].xml);
    g_assert_null (o);
    g_assert_error (error, JA_XMPP_ERROR, (gint) open_errors[i].cond);
  }
}

static void
test_sid_limits (void)
{
  g_autofree char *max = g_strnfill (JA_IBB_MAX_SID_LEN, 'x');
  g_autofree char *over = g_strnfill (JA_IBB_MAX_SID_LEN + 1, 'x');

  g_assert_true (ja_ibb_sid_is_valid (max));
  g_assert_false (ja_ibb_sid_is_valid (over));
  g_assert_false (ja_ibb_sid_is_valid (NULL));
  g_assert_false (ja_ibb_sid_is_valid (""));
  g_assert_true (ja_ibb_sid_is_valid ("\xc3\xa9t\xc3\xa9"));  /* été */
  g_assert_false (ja_ibb_sid_is_valid ("\xc3"));              /* bad UTF-8 */
  g_assert_false (ja_ibb_sid_is_valid ("a\tb"));
  g_assert_false (ja_ibb_sid_is_valid ("a&b"));
}

static void
test_open_round_trip (void)
{
  g_autoptr (JaXmlNode) n = ja_ibb_open_build ("sid-1", 4096);
  g_autoptr (GError) error = NULL;
  g_autoptr (JaIbbOpen) o = ja_ibb_open_parse (n, 4096, &error);

  g_assert_no_error (error);
  g_assert_true (ja_xml_node_is (n, "open", JA_NS_IBB));
  g_assert_cmpstr (ja_xml_node_get_attr (n, "stanza"), ==, "iq");
  g_assert_cmpstr (o->sid, ==, "sid-1");
  g_assert_cmpuint (o->block_size, ==, 4096);
}

static void
test_stanza_strings (void)
{
  g_autoptr (GError) error = NULL;
  JaIbbStanza s;

  g_assert_cmpstr (ja_ibb_stanza_to_string (JA_IBB_STANZA_IQ), ==, "iq");
  g_assert_cmpstr (ja_ibb_stanza_to_string (JA_IBB_STANZA_MESSAGE), ==,
      "message");
  g_assert_true (ja_ibb_stanza_from_string ("message", &s, NULL));
  g_assert_cmpint (s, ==, JA_IBB_STANZA_MESSAGE);
  g_assert_false (ja_ibb_stanza_from_string ("IQ", &s, &error));
  g_assert_error (error, JA_XMPP_ERROR, JA_XMPP_ERROR_BAD_REQUEST);
}

/* ---- <data/> ------------------------------------------------------------ */

static void
test_data_attrs (void)
{
  static const struct {
    const char *xml;
    gboolean ok;
    guint16 seq;
  } cases[] = {
    { "<data " IBB " seq='0' sid='s'/>", TRUE, 0 },
    { "<data " IBB " seq='65535' sid='s'/>", TRUE, 65535 },
    { "<data " IBB " seq='00007' sid='s'/>", TRUE, 7 },
    { "<data " IBB " seq='65536' sid='s'/>", FALSE, 0 },
    { "<data " IBB " seq='000007' sid='s'/>", FALSE, 0 },
    { "<data " IBB " seq='-1' sid='s'/>", FALSE, 0 },
    { "<data " IBB " seq='' sid='s'/>", FALSE, 0 },
    { "<data " IBB " seq='1 ' sid='s'/>", FALSE, 0 },
    { "<data " IBB " sid='s'/>", FALSE, 0 },
    { "<data " IBB " seq='1'/>", FALSE, 0 },
    { "<data " IBB " seq='1' sid='a b'/>", FALSE, 0 },
    { "<data seq='1' sid='s'/>", FALSE, 0 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autoptr (JaXmlNode) n = parse (cases[i].xml);
    g_autoptr (GError) error = NULL;
    const char *sid = NULL;
    guint16 seq = 1234;
    gboolean ok = ja_ibb_data_parse (n, &sid, &seq, &error);

    g_test_message ("%s", cases[i].xml);
    g_assert_cmpint (ok, ==, cases[i].ok);
    if (ok) {
      g_assert_no_error (error);
      g_assert_cmpstr (sid, ==, "s");
      g_assert_cmpuint (seq, ==, cases[i].seq);
    } else {
      g_assert_error (error, JA_XMPP_ERROR, JA_XMPP_ERROR_BAD_REQUEST);
    }
  }
}

static void
test_seq_wrap (void)
{
  guint16 seq = 65534;

  seq = ja_ibb_seq_next (seq);
  g_assert_cmpuint (seq, ==, 65535);
  seq = ja_ibb_seq_next (seq);
  g_assert_cmpuint (seq, ==, 0);
  g_assert_cmpuint (ja_ibb_seq_next (0), ==, 1);

  /* A built block at the wrap point parses back. */
  {
    guint8 b = 42;
    g_autoptr (JaXmlNode) n = ja_ibb_data_build ("s", 65535, &b, 1);
    const char *sid;
    guint16 got;

    g_assert_true (ja_ibb_data_parse (n, &sid, &got, NULL));
    g_assert_cmpuint (got, ==, 65535);
  }
}

static gboolean
decode (const char *text, guint16 block_size, guint8 *out, gsize *len,
    GError **error)
{
  return ja_ibb_data_decode (text, strlen (text), block_size, out, block_size,
      len, error);
}

static void
test_base64_ok (void)
{
  static const struct {
    const char *text;
    const char *plain;
  } cases[] = {
    { "", "" },
    { "Zg==", "f" },
    { "Zm8=", "fo" },
    { "Zm9v", "foo" },
    { "Zm9vYg==", "foob" },
    { "Zm9vYmE=", "fooba" },
    { "Zm9vYmFy", "foobar" },
    { " Zm9v\n YmFy\r\n\t", "foobar" },   /* wrapped, as in XEP-0047's example */
    { "Zm\n9v", "foo" },
    { "Zm9vYg=\n=", "foob" },
  };
  guint8 out[16];

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autoptr (GError) error = NULL;
    gsize len = 999;

    g_test_message ("'%s'", cases[i].text);
    g_assert_true (decode (cases[i].text, 16, out, &len, &error));
    g_assert_no_error (error);
    g_assert_cmpmem (out, len, cases[i].plain, strlen (cases[i].plain));
  }
}

static void
test_base64_errors (void)
{
  static const struct {
    const char *text;
    guint16 block_size;
  } cases[] = {
    { "Zm9v!", 16 },          /* outside the alphabet */
    { "Zm9-", 16 },           /* base64url is not RFC 4648 §4 */
    { "Zm9_", 16 },
    { "Zm9v\x01", 16 },
    { "Zm9", 16 },            /* not a multiple of 4 */
    { "Zg", 16 },             /* padding missing */
    { "Z===", 16 },           /* too much padding */
    { "Zg==Zg==", 16 },       /* padding in the middle */
    { "Z=g=", 16 },
    { "=Zm9", 16 },
    { "====", 16 },
    { "Zm9vYg==", 3 },        /* decodes to 4 bytes, block-size 3 */
    { "Zm9vYmFy", 5 },        /* 6 bytes > 5 */
    { "Zm9vYmFyYmF6", 6 },    /* text longer than base64 of block-size */
  };
  guint8 out[16];

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autoptr (GError) error = NULL;
    gsize len;

    g_test_message ("'%s' / %u", cases[i].text, cases[i].block_size);
    g_assert_false (ja_ibb_data_decode (cases[i].text, strlen (cases[i].text),
            cases[i].block_size, out, sizeof out, &len, &error));
    g_assert_error (error, JA_XMPP_ERROR, JA_XMPP_ERROR_BAD_REQUEST);
  }
}

static void
test_base64_whitespace_bound (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GString) text = g_string_new ("Zm9v");
  guint8 out[3];
  gsize len;

  /* max_chars(3) = 4; whitespace allowed: 4 / 4 + 64 = 65 */
  for (guint i = 0; i < 65; i++)
    g_string_append_c (text, ' ');
  g_assert_true (ja_ibb_data_decode (text->str, text->len, 3, out, 3, &len,
          &error));
  g_assert_no_error (error);
  g_string_append_c (text, '\n');
  g_assert_false (ja_ibb_data_decode (text->str, text->len, 3, out, 3, &len,
          &error));
  g_assert_error (error, JA_XMPP_ERROR, JA_XMPP_ERROR_BAD_REQUEST);
}

static void
test_base64_len (void)
{
  g_assert_cmpuint (ja_ibb_base64_len (1), ==, 4);
  g_assert_cmpuint (ja_ibb_base64_len (3), ==, 4);
  g_assert_cmpuint (ja_ibb_base64_len (4), ==, 8);
  g_assert_cmpuint (ja_ibb_base64_len (4096), ==, 5464);
  g_assert_cmpuint (ja_ibb_base64_len (65535), ==, 87380);
}

/* Every size from 0 to a few blocks over the boundary cases, with every
 * byte value, through build → serialise → parse → decode. */
static void
test_data_round_trip (void)
{
  static const guint16 block_sizes[] = { 1, 2, 3, 4, 5, 4096, 65535 };
  g_autofree guint8 *data = g_malloc (65535);
  g_autofree guint8 *out = g_malloc (65535);

  for (gsize i = 0; i < 65535; i++)
    data[i] = (guint8) (i * 7 + (i >> 8));
  for (guint b = 0; b < G_N_ELEMENTS (block_sizes); b++) {
    guint16 bs = block_sizes[b];
    gsize lens[] = { 0, 1, bs > 1 ? bs - 1u : 0, bs };

    for (guint l = 0; l < G_N_ELEMENTS (lens); l++) {
      g_autoptr (JaXmlNode) n = ja_ibb_data_build ("sid", 77, data, lens[l]);
      g_autofree char *xml = ja_xml_node_to_string (n, NULL);
      g_autoptr (JaXmlNode) back = parse (xml);
      g_autoptr (GError) error = NULL;
      const char *sid, *text;
      guint16 seq;
      gsize len;

      g_assert_true (ja_ibb_data_parse (back, &sid, &seq, &error));
      g_assert_cmpuint (seq, ==, 77);
      text = ja_xml_node_get_text (back);
      g_assert_cmpuint (strlen (text), <=, ja_ibb_base64_len (bs));
      g_assert_true (ja_ibb_data_decode (text, strlen (text), bs, out, bs,
              &len, &error));
      g_assert_no_error (error);
      g_assert_cmpmem (out, len, data, lens[l]);
    }
    /* One byte over block-size is refused. */
    {
      g_autoptr (JaXmlNode) n = ja_ibb_data_build ("sid", 0, data,
          MIN ((gsize) bs + 1, 65535));
      g_autoptr (GError) error = NULL;
      const char *text = ja_xml_node_get_text (n);
      gsize len;

      if (bs < 65535) {
        g_assert_false (ja_ibb_data_decode (text, strlen (text), bs, out, bs,
                &len, &error));
        g_assert_error (error, JA_XMPP_ERROR, JA_XMPP_ERROR_BAD_REQUEST);
      }
    }
  }
}

/* ---- <close/> ----------------------------------------------------------- */

static void
test_close (void)
{
  g_autoptr (JaXmlNode) built = ja_ibb_close_build ("i781hf64");
  g_autofree char *xml = ja_xml_node_to_string (built, NULL);
  g_autoptr (JaXmlNode) n = parse (xml);
  g_autoptr (JaXmlNode) no_sid = parse ("<close " IBB "/>");
  g_autoptr (JaXmlNode) bad_sid = parse ("<close " IBB " sid='&lt;'/>");
  g_autoptr (JaXmlNode) wrong = parse ("<close sid='x'/>");
  g_autoptr (GError) error = NULL;
  const char *sid = NULL;

  g_assert_true (ja_ibb_close_parse (n, &sid, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (sid, ==, "i781hf64");
  g_assert_false (ja_ibb_close_parse (no_sid, &sid, &error));
  g_assert_error (error, JA_XMPP_ERROR, JA_XMPP_ERROR_BAD_REQUEST);
  g_clear_error (&error);
  g_assert_false (ja_ibb_close_parse (bad_sid, &sid, &error));
  g_assert_error (error, JA_XMPP_ERROR, JA_XMPP_ERROR_BAD_REQUEST);
  g_clear_error (&error);
  g_assert_false (ja_ibb_close_parse (wrong, &sid, &error));
  g_assert_error (error, JA_XMPP_ERROR, JA_XMPP_ERROR_BAD_REQUEST);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/plugins/ibb/codec/open", test_open_ok);
  g_test_add_func ("/plugins/ibb/codec/open-errors", test_open_errors);
  g_test_add_func ("/plugins/ibb/codec/open-round-trip", test_open_round_trip);
  g_test_add_func ("/plugins/ibb/codec/sid-limits", test_sid_limits);
  g_test_add_func ("/plugins/ibb/codec/stanza-strings", test_stanza_strings);
  g_test_add_func ("/plugins/ibb/codec/data-attrs", test_data_attrs);
  g_test_add_func ("/plugins/ibb/codec/seq-wrap", test_seq_wrap);
  g_test_add_func ("/plugins/ibb/codec/base64", test_base64_ok);
  g_test_add_func ("/plugins/ibb/codec/base64-errors", test_base64_errors);
  g_test_add_func ("/plugins/ibb/codec/base64-whitespace-bound",
      test_base64_whitespace_bound);
  g_test_add_func ("/plugins/ibb/codec/base64-len", test_base64_len);
  g_test_add_func ("/plugins/ibb/codec/data-round-trip", test_data_round_trip);
  g_test_add_func ("/plugins/ibb/codec/close", test_close);
  return g_test_run ();
}

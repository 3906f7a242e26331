/* test-ft-description.c — XEP-0234 <description/>, <checksum/> and
 * <received/> parse/build (plugins/file-transfer/ft-description.c): the
 * XEP's own examples (copied from the spec text), round trips, and
 * hostile input, which must give JA_XMPP_ERROR_BAD_REQUEST, never a
 * warning. */

#include <string.h>

#include <glib.h>

#include "plugins/file-transfer/ft-description.h"
#include "signalling/xml/xml-stream-parser.h"
#include "signalling/xml/xml-writer.h"
#include "signalling/xmpp/ns.h"
#include "signalling/xmpp/xmpp-error.h"

/* XEP-0234 Example 1 (session-initiate, File Offer), verbatim apart from
 * the transport candidates. */
static const char spec_offer[] =
  "<iq from='romeo@montague.example/dr4hcr0st3lup4c' id='nzu25s8'"
  "    to='juliet@capulet.example/yn0cl4bnw0yr3vym' type='set'>"
  "  <jingle xmlns='urn:xmpp:jingle:1' action='session-initiate'"
  "          initiator='romeo@montague.example/dr4hcr0st3lup4c' sid='851ba2'>"
  "    <content creator='initiator' name='a-file-offer' senders='initiator'>"
  "      <description xmlns='urn:xmpp:jingle:apps:file-transfer:5'>\n"
  "        <file>\n"
  "          <date>1969-07-21T02:56:15Z</date>\n"
  "          <desc>This is a test. If this were a real file...</desc>\n"
  "          <media-type>text/plain</media-type>\n"
  "          <name>test.txt</name>\n"
  "          <range/>\n"
  "          <size>6144</size>\n"
  "          <hash xmlns='urn:xmpp:hashes:2'\n"
  "                algo='sha-1'>w0mcJylzCn+AfvuGdqkty2+KP48=</hash>\n"
  "        </file>\n"
  "      </description>"
  "      <transport xmlns='urn:xmpp:jingle:transports:s5b:1' mode='tcp'"
  "                 sid='vj3hs98y'/>"
  "    </content>"
  "  </jingle>"
  "</iq>";

/* §Application Format */
static const char spec_format[] =
  "<description xmlns='urn:xmpp:jingle:apps:file-transfer:5'>\n"
  "  <file>\n"
  "    <media-type>text/plain</media-type>\n"
  "    <name>test.txt</name>\n"
  "    <date>2015-07-26T21:46:00+01:00</date>\n"
  "    <size>6144</size>\n"
  "    <hash xmlns='urn:xmpp:hashes:2'\n"
  "          algo='sha-1'>w0mcJylzCn+AfvuGdqkty2+KP48=</hash>\n"
  "  </file>\n"
  "</description>";

/* §Requesting a File: a file selector by hash only. */
static const char spec_request[] =
  "<description xmlns='urn:xmpp:jingle:apps:file-transfer:5'>"
  "  <file>"
  "    <hash xmlns='urn:xmpp:hashes:2'"
  "          algo='sha-1'>w0mcJylzCn+AfvuGdqkty2+KP48=</hash>"
  "  </file>"
  "</description>";

/* §Ranged Transfers */
static const char spec_range[] =
  "<description xmlns='urn:xmpp:jingle:apps:file-transfer:5'>"
  "  <file>"
  "    <range offset='270336'/>"
  "    <hash xmlns='urn:xmpp:hashes:2'"
  "          algo='sha-1'>w0mcJylzCn+AfvuGdqkty2+KP48=</hash>"
  "  </file>"
  "</description>";

/* §Mapping to SDP, with <range offset='1024'/> */
static const char spec_sdp[] =
  "<description xmlns='urn:xmpp:jingle:apps:file-transfer:5'>"
  "  <file>"
  "    <media-type>text/plain</media-type>"
  "    <name>test.txt</name>"
  "    <date>2015-07-26T21:46:00+01:00</date>"
  "    <size>6144</size>"
  "    <hash xmlns='urn:xmpp:hashes:2'"
  "          algo='sha-1'>w0mcJylzCn+AfvuGdqkty2+KP48=</hash>"
  "    <range offset='1024' />"
  "  </file>"
  "</description>";

/* §Checksum, hash-used in session-initiate */
static const char spec_hash_used[] =
  "<description xmlns='urn:xmpp:jingle:apps:file-transfer:5'>"
  "  <file>"
  "    <date>1969-07-21T02:56:15Z</date>"
  "    <desc>This is a test. If this were a real file...</desc>"
  "    <media-type>text/plain</media-type>"
  "    <name>test.txt</name>"
  "    <range/>"
  "    <size>6144</size>"
  "    <hash-used xmlns='urn:xmpp:hashes:2' algo='sha-1'/>"
  "  </file>"
  "</description>";

static const char spec_checksum[] =
  "<checksum xmlns='urn:xmpp:jingle:apps:file-transfer:5'"
  "          creator='initiator' name='a-file-offer'>"
  "  <file>"
  "    <hash xmlns='urn:xmpp:hashes:2'"
  "          algo='sha-1'>w0mcJylzCn+AfvuGdqkty2+KP48=</hash>"
  "  </file>"
  "</checksum>";

static const char spec_checksum_range[] =
  "<checksum xmlns='urn:xmpp:jingle:apps:file-transfer:5'"
  "          creator='initiator' name='a-file-offer'>"
  "  <file>"
  "    <range offset='2048' length='1024'>"
  "      <hash xmlns='urn:xmpp:hashes:2'"
  "            algo='sha-1'>kHp5RSzW/h7Gm1etSf90Mr5PC/k=</hash>"
  "    </range>"
  "  </file>"
  "</checksum>";

static const char spec_received[] =
  "<received xmlns='urn:xmpp:jingle:apps:file-transfer:5'"
  "          creator='initiator' name='a-file-offer' />";

/* XEP-0300 §XML Format: sha-256 and sha-1 side by side. */
#define SHA256_SPEC "2XarmwTlNxDAMkvymloX3S5+VbylNrJt/l5QyPa+YoU="
#define SHA256_ABC "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0="
#define SHA512_ABC "3a81oZNherrMQXNJriBBMRLm+k6JqX6iCp7u5ktV05ohkpkqJ0/" \
  "BqDa6PCOj/uu9RU1EI2Q86A4qmslPpUyknw=="
#define SHA3_256_ABC "Ophdp0/iJbIEXBcta9OQvYVfCG4+nVJbRr/iRRFDFTI="

static JaXmlNode *
parse_xml (const char *xml)
{
  g_autoptr (GError) error = NULL;
  JaXmlNode *node = ja_xml_node_parse (xml, -1, &error);

  g_assert_no_error (error);
  g_assert_nonnull (node);
  return node;
}

static JaFtFile *
parse_description (const char *xml, GError **error)
{
  g_autoptr (JaXmlNode) node = parse_xml (xml);

  return ja_ft_description_parse (node, error);
}

static JaFtFile *
parse_ok (const char *xml)
{
  g_autoptr (GError) error = NULL;
  JaFtFile *file = parse_description (xml, &error);

  g_assert_no_error (error);
  g_assert_nonnull (file);
  return file;
}

static void
assert_bad_request (const char *xml)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JaFtFile) file = parse_description (xml, &error);

  g_assert_null (file);
  g_assert_error (error, JA_XMPP_ERROR, JA_XMPP_ERROR_BAD_REQUEST);
}

static void
assert_test_txt (const JaFtFile *file)
{
  g_assert_cmpstr (file->name, ==, "test.txt");
  g_assert_true (file->has_size);
  g_assert_cmpuint (file->size, ==, 6144);
  g_assert_cmpstr (file->media_type, ==, "text/plain");
}

static void
test_spec_offer (void)
{
  g_autoptr (JaXmlNode) iq = parse_xml (spec_offer);
  JaXmlNode *jingle = ja_xml_node_find (iq, "jingle", JA_NS_JINGLE);
  JaXmlNode *content = ja_xml_node_find (jingle, "content", JA_NS_JINGLE);
  JaXmlNode *desc = ja_xml_node_find (content, "description",
      JA_NS_JINGLE_FT);
  g_autoptr (GError) error = NULL;
  g_autoptr (JaFtFile) file = ja_ft_description_parse (desc, &error);

  g_assert_no_error (error);
  assert_test_txt (file);
  g_assert_cmpstr (file->date, ==, "1969-07-21T02:56:15Z");
  g_assert_nonnull (file->datetime);
  g_assert_cmpint (g_date_time_to_unix (file->datetime), ==, -14159025);
  g_assert_cmpstr (file->desc, ==,
      "This is a test. If this were a real file...");
  g_assert_true (file->range.present);
  g_assert_cmpuint (file->range.offset, ==, 0);
  g_assert_false (file->range.has_length);
  /* sha-1 must not be relied on (XEP-0414): skipped, but counted. */
  g_assert_cmpuint (file->hashes.n, ==, 0);
  g_assert_cmpuint (file->n_ignored_hashes, ==, 1);
}

static void
test_spec_others (void)
{
  g_autoptr (JaFtFile) format = parse_ok (spec_format);
  g_autoptr (JaFtFile) request = parse_ok (spec_request);
  g_autoptr (JaFtFile) range = parse_ok (spec_range);
  g_autoptr (JaFtFile) sdp = parse_ok (spec_sdp);
  g_autoptr (JaFtFile) used = parse_ok (spec_hash_used);
  g_autoptr (GDateTime) expected = g_date_time_new_from_iso8601 (
      "2015-07-26T20:46:00Z", NULL);

  assert_test_txt (format);
  g_assert_true (g_date_time_equal (format->datetime, expected));
  g_assert_cmpstr (format->date, ==, "2015-07-26T21:46:00+01:00");
  g_assert_false (format->range.present);

  g_assert_null (request->name);
  g_assert_false (request->has_size);
  g_assert_cmpuint (request->n_ignored_hashes, ==, 1);

  g_assert_true (range->range.present);
  g_assert_cmpuint (range->range.offset, ==, 270336);

  assert_test_txt (sdp);
  g_assert_cmpuint (sdp->range.offset, ==, 1024);

  assert_test_txt (used);
  g_assert_cmpuint (used->hash_used, ==, 0);
  g_assert_cmpuint (used->n_ignored_hashes, ==, 1);
}

static void
test_spec_checksum (void)
{
  g_autoptr (JaXmlNode) node = parse_xml (spec_checksum);
  g_autoptr (JaXmlNode) node2 = parse_xml (spec_checksum_range);
  g_autoptr (JaXmlNode) node3 = parse_xml (spec_received);
  g_autoptr (GError) error = NULL;
  g_autoptr (JaFtChecksum) c1 = ja_ft_checksum_parse (node, &error);
  g_autoptr (JaFtChecksum) c2 = NULL;
  g_autofree char *name = NULL;
  JaFtCreator creator;

  g_assert_no_error (error);
  g_assert_cmpint (c1->creator, ==, JA_FT_CREATOR_INITIATOR);
  g_assert_cmpstr (c1->name, ==, "a-file-offer");
  g_assert_cmpuint (c1->file->n_ignored_hashes, ==, 1);

  c2 = ja_ft_checksum_parse (node2, &error);
  g_assert_no_error (error);
  g_assert_true (c2->file->range.present);
  g_assert_cmpuint (c2->file->range.offset, ==, 2048);
  g_assert_true (c2->file->range.has_length);
  g_assert_cmpuint (c2->file->range.length, ==, 1024);

  g_assert_true (ja_ft_received_parse (node3, &creator, &name, &error));
  g_assert_no_error (error);
  g_assert_cmpint (creator, ==, JA_FT_CREATOR_INITIATOR);
  g_assert_cmpstr (name, ==, "a-file-offer");
}

static void
test_hashes (void)
{
  g_autoptr (JaFtFile) file = parse_ok (
      "<description xmlns='urn:xmpp:jingle:apps:file-transfer:5'><file>"
      "<hash xmlns='urn:xmpp:hashes:2' algo='sha-1'>"
      "2AfMGH8O7UNPTvUVAM9aK13mpCY=</hash>"
      "<hash xmlns='urn:xmpp:hashes:2' algo='sha-256'>" SHA256_SPEC "</hash>"
      "<hash xmlns='urn:xmpp:hashes:2' algo='sha-512'>" SHA512_ABC "</hash>"
      "<hash xmlns='urn:xmpp:hashes:2' algo='sha3-256'>" SHA3_256_ABC
      "</hash>"
      "<hash xmlns='urn:xmpp:hashes:2' algo='blake2b-256'>"
      SHA3_256_ABC "</hash>"
      "<hash-used xmlns='urn:xmpp:hashes:2' algo='sha-512'/>"
      "</file></description>");
  const JaFtHash *h;
  g_autofree char *b64 = NULL;

  g_assert_cmpuint (file->hashes.n, ==, 3);
  g_assert_cmpuint (file->n_ignored_hashes, ==, 2);
  g_assert_cmpuint (file->hash_used, ==, JA_FT_HASH_BIT (JA_FT_HASH_SHA_512));
  h = ja_ft_hash_list_find (&file->hashes, JA_FT_HASH_SHA_256);
  g_assert_nonnull (h);
  g_assert_cmpuint (h->len, ==, 32);
  b64 = ja_ft_hash_to_base64 (h);
  g_assert_cmpstr (b64, ==, SHA256_SPEC);
  h = ja_ft_hash_list_find (&file->hashes, JA_FT_HASH_SHA_512);
  g_assert_nonnull (h);
  g_assert_cmpuint (h->len, ==, 64);
  g_assert_cmpuint (ja_ft_file_get_named_algos (file), ==, JA_FT_HASH_ALL);
}

/* An empty <hash algo=…/> names the algorithm without a value. */
static void
test_empty_hash (void)
{
  g_autoptr (JaFtFile) file = parse_ok (
      "<description xmlns='urn:xmpp:jingle:apps:file-transfer:5'><file>"
      "<name>a</name><hash xmlns='urn:xmpp:hashes:2' algo='sha-256'/>"
      "</file></description>");

  g_assert_cmpuint (file->hashes.n, ==, 1);
  g_assert_cmpuint (file->hashes.items[0].len, ==, 0);
  g_assert_null (ja_ft_hash_list_find (&file->hashes, JA_FT_HASH_SHA_256));
  g_assert_cmpuint (ja_ft_file_get_named_algos (file), ==,
      JA_FT_HASH_BIT (JA_FT_HASH_SHA_256));
}

static char *
to_string (JaXmlNode *node)
{
  g_autoptr (JaXmlNode) owned = node;

  return ja_xml_node_to_string (owned, NULL);
}

static void
test_build_round_trip (void)
{
  static const char expected[] =
    "<description xmlns='urn:xmpp:jingle:apps:file-transfer:5'><file>"
    "<date>1969-07-21T02:56:15Z</date>"
    "<desc>This is a test &amp; more</desc>"
    "<media-type>text/plain</media-type>"
    "<name>test.txt</name>"
    "<range offset='1024' length='2048'>"
    "<hash xmlns='urn:xmpp:hashes:2' algo='sha-256'>" SHA256_ABC "</hash>"
    "</range>"
    "<size>6144</size>"
    "<hash xmlns='urn:xmpp:hashes:2' algo='sha-256'>" SHA256_SPEC "</hash>"
    "<hash xmlns='urn:xmpp:hashes:2' algo='sha3-256'/>"
    "<hash-used xmlns='urn:xmpp:hashes:2' algo='sha-512'/>"
    "</file></description>";
  g_autoptr (JaFtFile) file = ja_ft_file_new ();
  g_autoptr (JaFtFile) again = NULL;
  g_autoptr (JaFtFile) copy = NULL;
  g_autoptr (GDateTime) dt = g_date_time_new_utc (1969, 7, 21, 2, 56, 15);
  g_autofree char *xml = NULL;
  g_autofree char *xml2 = NULL;
  g_autofree char *xml3 = NULL;
  JaFtHash h;

  file->name = g_strdup ("test.txt");
  file->has_size = TRUE;
  file->size = 6144;
  ja_ft_file_set_datetime (file, dt);
  file->media_type = g_strdup ("text/plain");
  file->desc = g_strdup ("This is a test & more");
  file->range.present = TRUE;
  file->range.offset = 1024;
  file->range.has_length = TRUE;
  file->range.length = 2048;
  g_assert_true (ja_ft_hash_set_base64 (&h, JA_FT_HASH_SHA_256, SHA256_ABC,
          NULL));
  g_assert_true (ja_ft_hash_list_set (&file->range.hashes, &h));
  g_assert_true (ja_ft_hash_set_base64 (&h, JA_FT_HASH_SHA_256, SHA256_SPEC,
          NULL));
  g_assert_true (ja_ft_hash_list_set (&file->hashes, &h));
  g_assert_true (ja_ft_hash_set_base64 (&h, JA_FT_HASH_SHA3_256, "", NULL));
  g_assert_true (ja_ft_hash_list_set (&file->hashes, &h));
  file->hash_used = JA_FT_HASH_BIT (JA_FT_HASH_SHA_512);

  xml = to_string (ja_ft_description_build (file));
  g_assert_cmpstr (xml, ==, expected);

  again = parse_ok (xml);
  xml2 = to_string (ja_ft_description_build (again));
  g_assert_cmpstr (xml2, ==, expected);
  copy = ja_ft_file_copy (again);
  xml3 = to_string (ja_ft_description_build (copy));
  g_assert_cmpstr (xml3, ==, expected);
}

/* The spec's own offer, built back, reads the same (sha-1 dropped). */
static void
test_spec_round_trip (void)
{
  g_autoptr (JaFtFile) file = parse_ok (spec_hash_used);
  g_autofree char *xml = to_string (ja_ft_description_build (file));

  g_assert_cmpstr (xml, ==,
      "<description xmlns='urn:xmpp:jingle:apps:file-transfer:5'><file>"
      "<date>1969-07-21T02:56:15Z</date>"
      "<desc>This is a test. If this were a real file...</desc>"
      "<media-type>text/plain</media-type><name>test.txt</name>"
      "<range/><size>6144</size></file></description>");
}

static void
test_checksum_received_build (void)
{
  g_autoptr (JaFtFile) file = ja_ft_file_new ();
  g_autoptr (JaFtChecksum) parsed = NULL;
  g_autoptr (JaXmlNode) node = NULL;
  g_autoptr (JaXmlNode) received = NULL;
  g_autofree char *xml = NULL;
  g_autofree char *rxml = NULL;
  g_autofree char *name = NULL;
  JaFtCreator creator;
  JaFtHash h;

  g_assert_true (ja_ft_hash_set_base64 (&h, JA_FT_HASH_SHA_256, SHA256_ABC,
          NULL));
  ja_ft_hash_list_set (&file->hashes, &h);
  node = ja_ft_checksum_build (JA_FT_CREATOR_RESPONDER, "c1", file);
  xml = ja_xml_node_to_string (node, NULL);
  g_assert_cmpstr (xml, ==,
      "<checksum xmlns='urn:xmpp:jingle:apps:file-transfer:5'"
      " creator='responder' name='c1'><file>"
      "<hash xmlns='urn:xmpp:hashes:2' algo='sha-256'>" SHA256_ABC "</hash>"
      "</file></checksum>");
  parsed = ja_ft_checksum_parse (node, NULL);
  g_assert_nonnull (parsed);
  g_assert_cmpint (parsed->creator, ==, JA_FT_CREATOR_RESPONDER);
  g_assert_true (ja_ft_hash_equal (&parsed->file->hashes.items[0], &h));

  received = ja_ft_received_build (JA_FT_CREATOR_INITIATOR, "a-file-offer");
  rxml = ja_xml_node_to_string (received, NULL);
  g_assert_cmpstr (rxml, ==,
      "<received xmlns='urn:xmpp:jingle:apps:file-transfer:5'"
      " creator='initiator' name='a-file-offer'/>");
  g_assert_true (ja_ft_received_parse (received, &creator, &name, NULL));
  g_assert_cmpstr (name, ==, "a-file-offer");
}

#define D_OPEN "<description xmlns='urn:xmpp:jingle:apps:file-transfer:5'><file>"
#define D_CLOSE "</file></description>"
#define HASH(algo, v) "<hash xmlns='urn:xmpp:hashes:2' algo='" algo "'>" v \
  "</hash>"

static void
test_hostile (void)
{
  static const char *const bad[] = {
    D_OPEN "<size>-1</size>" D_CLOSE,
    D_OPEN "<size>9223372036854775808</size>" D_CLOSE,
    D_OPEN "<size>18446744073709551616</size>" D_CLOSE,
    D_OPEN "<size>99999999999999999999999999</size>" D_CLOSE,
    D_OPEN "<size>+5</size>" D_CLOSE,
    D_OPEN "<size>0x10</size>" D_CLOSE,
    D_OPEN "<size></size>" D_CLOSE,
    D_OPEN "<size>1 2</size>" D_CLOSE,
    D_OPEN "<size>1</size><size>1</size>" D_CLOSE,
    D_OPEN "<name>a</name><name>b</name>" D_CLOSE,
    D_OPEN "<range offset='-1'/>" D_CLOSE,
    D_OPEN "<range length='x'/>" D_CLOSE,
    D_OPEN "<range offset='9223372036854775807' length='1'/>" D_CLOSE,
    D_OPEN "<size>10</size><range offset='11'/>" D_CLOSE,
    D_OPEN "<size>10</size><range offset='5' length='6'/>" D_CLOSE,
    D_OPEN "<range/><range/>" D_CLOSE,
    D_OPEN HASH ("sha-256", "AAAA") D_CLOSE,
    D_OPEN HASH ("sha-256", SHA512_ABC) D_CLOSE,
    D_OPEN HASH ("sha-512", SHA256_ABC) D_CLOSE,
    D_OPEN HASH ("sha-256", "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0")
        D_CLOSE,
    D_OPEN HASH ("sha-256", "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIA Fa0=")
        D_CLOSE,
    D_OPEN HASH ("sha-256", "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa==")
        D_CLOSE,
    D_OPEN HASH ("sha-256", "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfI=Fa0=")
        D_CLOSE,
    D_OPEN HASH ("sha-256", "ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=")
        D_CLOSE,
    D_OPEN HASH ("sha-256", SHA256_ABC) HASH ("sha-256", SHA256_ABC) D_CLOSE,
    D_OPEN "<hash xmlns='urn:xmpp:hashes:2'>" SHA256_ABC "</hash>" D_CLOSE,
    D_OPEN "<range>" "<hash-used xmlns='urn:xmpp:hashes:2' algo='sha-256'/>"
        "</range>" D_CLOSE,
    D_OPEN D_CLOSE D_OPEN D_CLOSE,  /* two <file>s: see below */
    "<description xmlns='urn:xmpp:jingle:apps:file-transfer:5'/>",
    "<description xmlns='urn:xmpp:jingle:apps:file-transfer:4'><file/>"
        "</description>",
    "<description xmlns='urn:xmpp:jingle:apps:file-transfer:5'>"
        "<file xmlns='urn:xmpp:jingle:apps:file-transfer:4'/></description>",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++) {
    g_autofree char *xml = NULL;

    /* The two-<file> case needs one root. */
    if (g_str_has_prefix (bad[i], D_OPEN D_CLOSE D_OPEN))
      xml = g_strdup ("<description xmlns='urn:xmpp:jingle:apps:file-transfer:5'>"
          "<file/><file/></description>");
    else
      xml = g_strdup (bad[i]);
    g_test_message ("bad %u: %s", i, xml);
    assert_bad_request (xml);
  }
}

static void
test_bounds (void)
{
  g_autoptr (GString) xml = g_string_new (D_OPEN "<name>");
  g_autoptr (JaFtFile) ok = NULL;
  g_autoptr (GError) error = NULL;

  /* Exactly 1024 bytes of name: accepted. */
  for (guint i = 0; i < JA_FT_MAX_NAME_BYTES; i++)
    g_string_append_c (xml, 'n');
  g_string_append (xml, "</name>" D_CLOSE);
  ok = parse_ok (xml->str);
  g_assert_cmpuint (strlen (ok->name), ==, JA_FT_MAX_NAME_BYTES);

  g_string_assign (xml, D_OPEN "<name>");
  for (guint i = 0; i <= JA_FT_MAX_NAME_BYTES; i++)
    g_string_append_c (xml, 'n');
  g_string_append (xml, "</name>" D_CLOSE);
  assert_bad_request (xml->str);

  g_string_assign (xml, D_OPEN "<desc>");
  for (guint i = 0; i <= JA_FT_MAX_DESC_BYTES; i++)
    g_string_append_c (xml, 'd');
  g_string_append (xml, "</desc>" D_CLOSE);
  assert_bad_request (xml->str);

  g_string_assign (xml, D_OPEN);
  for (guint i = 0; i <= JA_FT_MAX_HASHES; i++)
    g_string_append (xml, "<hash-used xmlns='urn:xmpp:hashes:2' algo='md5'/>");
  g_string_append (xml, D_CLOSE);
  assert_bad_request (xml->str);

  /* A content name in <received/> is bounded too. */
  g_string_assign (xml, "<received xmlns='urn:xmpp:jingle:apps:file-transfer:5'"
      " creator='initiator' name='");
  for (guint i = 0; i <= JA_FT_MAX_NAME_BYTES; i++)
    g_string_append_c (xml, 'c');
  g_string_append (xml, "'/>");
  {
    g_autoptr (JaXmlNode) node = parse_xml (xml->str);
    g_autofree char *name = NULL;
    JaFtCreator creator;

    g_assert_false (ja_ft_received_parse (node, &creator, &name, &error));
    g_assert_error (error, JA_XMPP_ERROR, JA_XMPP_ERROR_BAD_REQUEST);
    g_assert_null (name);
  }
}

static void
test_limits_accepted (void)
{
  g_autoptr (JaFtFile) file = parse_ok (D_OPEN
      "<size>9223372036854775807</size>"
      "<range offset='9223372036854775807' length='0'/>" D_CLOSE);
  g_autoptr (JaFtFile) zero = parse_ok (D_OPEN "<size> 0 </size>" D_CLOSE);

  g_assert_cmpuint (file->size, ==, G_MAXINT64);
  g_assert_true (zero->has_size);
  g_assert_cmpuint (zero->size, ==, 0);
}

static void
test_dates (void)
{
  static const struct {
    const char *date;
    gboolean valid;
  } cases[] = {
    { "1969-07-21T02:56:15Z", TRUE },
    { "1969-07-21T02:56:15.123Z", TRUE },
    { "2023-01-01T00:00:00.123456+00:00", TRUE },
    { "2015-07-26T21:46:00-05:30", TRUE },
    { "2015-07-26", FALSE },
    { "2015-07-26T21:46:00", FALSE },         /* no zone */
    { "2015-W30-1T21:46:00Z", FALSE },
    { "2015-13-26T21:46:00Z", FALSE },
    { "2015-07-26T25:46:00Z", FALSE },
    { "2015-07-26T21:46:00.Z", FALSE },
    { "2015-07-26T21:46:00+0100", FALSE },
    { "yesterday", FALSE },
    { "", FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autofree char *xml = g_strdup_printf (D_OPEN "<date>%s</date>" D_CLOSE,
        cases[i].date);
    g_autoptr (JaFtFile) file = parse_ok (xml);

    g_test_message ("date %s", cases[i].date);
    if (cases[i].valid) {
      g_assert_cmpstr (file->date, ==, cases[i].date);
      g_assert_nonnull (file->datetime);
    } else {
      /* Dropped, not fatal: <date/> is cosmetic. */
      g_assert_null (file->date);
      g_assert_null (file->datetime);
    }
  }
}

static void
test_checksum_hostile (void)
{
  static const char *const bad[] = {
    "<checksum xmlns='urn:xmpp:jingle:apps:file-transfer:5' creator='both'"
        " name='a'><file>" HASH ("sha-256", SHA256_ABC) "</file></checksum>",
    "<checksum xmlns='urn:xmpp:jingle:apps:file-transfer:5' creator='initiator'"
        " name='a'/>",
    "<checksum xmlns='urn:xmpp:jingle:apps:file-transfer:5' creator='initiator'"
        " name='a'><file><name>x</name></file></checksum>",
    "<checksum xmlns='urn:xmpp:jingle:apps:file-transfer:5' creator='initiator'"
        " name='a'><file>" HASH ("sha-256", "AAAA") "</file></checksum>",
    "<received xmlns='urn:xmpp:jingle:apps:file-transfer:5'/>",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++) {
    g_autoptr (JaXmlNode) node = parse_xml (bad[i]);
    g_autoptr (GError) error = NULL;
    g_autoptr (JaFtChecksum) c = ja_ft_checksum_parse (node, &error);

    g_assert_null (c);
    g_assert_error (error, JA_XMPP_ERROR, JA_XMPP_ERROR_BAD_REQUEST);
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/ft/description/spec-offer", test_spec_offer);
  g_test_add_func ("/ft/description/spec-others", test_spec_others);
  g_test_add_func ("/ft/description/spec-checksum", test_spec_checksum);
  g_test_add_func ("/ft/description/hashes", test_hashes);
  g_test_add_func ("/ft/description/empty-hash", test_empty_hash);
  g_test_add_func ("/ft/description/build-round-trip", test_build_round_trip);
  g_test_add_func ("/ft/description/spec-round-trip", test_spec_round_trip);
  g_test_add_func ("/ft/description/checksum-received-build",
      test_checksum_received_build);
  g_test_add_func ("/ft/description/hostile", test_hostile);
  g_test_add_func ("/ft/description/bounds", test_bounds);
  g_test_add_func ("/ft/description/limits-accepted", test_limits_accepted);
  g_test_add_func ("/ft/description/dates", test_dates);
  g_test_add_func ("/ft/description/checksum-hostile", test_checksum_hostile);
  return g_test_run ();
}

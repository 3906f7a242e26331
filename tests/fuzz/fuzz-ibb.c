/* fuzz-ibb.c — libFuzzer target for the XEP-0047 codec
 * (plugins/ibb/ibb-codec.c): the input is parsed as an XML document and
 * the root and each of its children go through the <open/>, <data/> and
 * <close/> parsers; a <data/> is decoded with the block-size of an <open/>
 * seen before it (4096 otherwise). What parses must build back to an
 * element that parses to the same values, and no input may reach
 * g_warning or g_critical. */

#include <stdint.h>
#include <string.h>

#include <glib.h>

#include "plugins/ibb/ibb-codec.h"
#include "signalling/xml/xml-stream-parser.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
check_open (const JaXmlNode *node, guint16 *block_size)
{
  g_autoptr (JaIbbOpen) open = ja_ibb_open_parse (node, JA_IBB_MAX_BLOCK_SIZE,
      NULL);
  g_autoptr (JaXmlNode) built = NULL;
  g_autoptr (JaIbbOpen) again = NULL;

  if (open == NULL)
    return;
  g_assert (open->block_size >= 1);
  *block_size = open->block_size;
  built = ja_ibb_open_build (open->sid, open->block_size);
  again = ja_ibb_open_parse (built, JA_IBB_MAX_BLOCK_SIZE, NULL);
  g_assert (again != NULL);
  g_assert (strcmp (again->sid, open->sid) == 0);
  g_assert (again->block_size == open->block_size);
}

static void
check_data (const JaXmlNode *node, guint16 block_size)
{
  const char *sid, *text = ja_xml_node_get_text (node);
  gsize text_len = node->text != NULL ? node->text->len : 0;
  g_autofree guint8 *buf = g_malloc (block_size);
  guint16 seq;
  gsize len;

  if (!ja_ibb_data_parse (node, &sid, &seq, NULL))
    return;
  if (!ja_ibb_data_decode (text, text_len, block_size, buf, block_size, &len,
          NULL))
    return;
  g_assert (len <= block_size);
  {
    g_autoptr (JaXmlNode) built = ja_ibb_data_build (sid, seq, buf, len);
    g_autofree guint8 *buf2 = g_malloc (block_size);
    const char *sid2, *text2 = ja_xml_node_get_text (built);
    guint16 seq2;
    gsize len2;

    g_assert (ja_ibb_data_parse (built, &sid2, &seq2, NULL));
    g_assert (seq2 == seq && strcmp (sid2, sid) == 0);
    g_assert (ja_ibb_data_decode (text2, strlen (text2), block_size, buf2,
            block_size, &len2, NULL));
    g_assert (len2 == len && memcmp (buf, buf2, len) == 0);
  }
}

static void
check_close (const JaXmlNode *node)
{
  const char *sid;

  if (ja_ibb_close_parse (node, &sid, NULL))
    g_assert (ja_ibb_sid_is_valid (sid));
}

static void
check_node (const JaXmlNode *node, guint16 *block_size)
{
  check_open (node, block_size);
  check_data (node, *block_size);
  check_close (node);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static gboolean once;
  g_autoptr (JaXmlNode) root = NULL;
  guint16 block_size = JA_IBB_DEFAULT_BLOCK_SIZE;

  if (!once) {      /* a peer must never reach g_warning/g_critical */
    g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
    once = TRUE;
  }
  root = ja_xml_node_parse ((const char *) data, (gssize) size, NULL);
  if (root == NULL)
    return 0;
  check_node (root, &block_size);
  for (guint i = 0; i < ja_xml_node_get_n_children (root); i++)
    check_node (ja_xml_node_get_child (root, i), &block_size);
  return 0;
}

/* fuzz-ft-description.c — libFuzzer target for the XEP-0234 codec
 * (plugins/file-transfer/ft-description.c) and the name sanitiser
 * (ft-name.c): the input is one XML document; every element in the
 * file-transfer namespace is tried as <description/>, <checksum/> and
 * <received/>. Oracles: what parses builds back to a tree that parses to the
 * same serialisation; every sanitised name is safe; the raw input as a name
 * sanitises safely too; no input reaches g_warning or g_critical. */

#include <stdint.h>
#include <string.h>

#include <glib.h>

#include "plugins/file-transfer/ft-description.h"
#include "plugins/file-transfer/ft-name.h"
#include "signalling/xml/xml-stream-parser.h"
#include "signalling/xml/xml-writer.h"
#include "signalling/xmpp/ns.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
check_name (const char *name)
{
  g_autofree char *safe = ja_ft_name_sanitize (name);
  gsize len = strlen (safe);

  g_assert (g_utf8_validate (safe, -1, NULL));
  g_assert (len > 0 && len <= JA_FT_NAME_MAX);
  g_assert (strchr (safe, '/') == NULL && strchr (safe, '\\') == NULL);
  g_assert (safe[0] != '.');
  for (const char *p = safe; *p != '\0'; p = g_utf8_next_char (p)) {
    gunichar c = g_utf8_get_char (p);

    g_assert (c >= 0x20 && c != 0x7f && !(c >= 0x80 && c <= 0x9f));
    g_assert (!(c >= 0x202a && c <= 0x202e) && !(c >= 0x2066 && c <= 0x2069));
  }
  {
    g_autofree char *numbered = ja_ft_name_numbered (safe, 999, ".part");

    g_assert (strlen (numbered) <= JA_FT_NAME_MAX);
    g_assert (g_utf8_validate (numbered, -1, NULL));
  }
}

/* build → parse → build gives the same XML. */
static void
check_file (const JaFtFile *file)
{
  g_autoptr (JaXmlNode) built = ja_ft_description_build (file);
  g_autofree char *xml = ja_xml_node_to_string (built, NULL);
  g_autoptr (JaFtFile) again = ja_ft_description_parse (built, NULL);
  g_autoptr (JaXmlNode) rebuilt = NULL;
  g_autofree char *xml2 = NULL;

  g_assert (again != NULL);
  rebuilt = ja_ft_description_build (again);
  xml2 = ja_xml_node_to_string (rebuilt, NULL);
  g_assert (strcmp (xml, xml2) == 0);
  g_assert ((file->date == NULL) == (file->datetime == NULL));
  g_assert (file->hashes.n <= JA_FT_MAX_HASHES);
  g_assert (file->name == NULL || strlen (file->name) <= JA_FT_MAX_NAME_BYTES);
  g_assert (file->desc == NULL || strlen (file->desc) <= JA_FT_MAX_DESC_BYTES);
  g_assert (!file->has_size || file->size <= (guint64) G_MAXINT64);
  check_name (file->name);
}

static void
try_node (const JaXmlNode *node)
{
  g_autoptr (GError) error = NULL;

  if (g_strcmp0 (node->ns, JA_NS_JINGLE_FT) == 0) {
    g_autoptr (JaFtFile) file = ja_ft_description_parse (node, &error);
    g_autoptr (JaFtChecksum) checksum = NULL;
    g_autofree char *name = NULL;
    JaFtCreator creator;

    g_assert ((file == NULL) == (error != NULL));
    if (file != NULL)
      check_file (file);
    g_clear_error (&error);

    checksum = ja_ft_checksum_parse (node, &error);
    g_assert ((checksum == NULL) == (error != NULL));
    if (checksum != NULL) {
      g_autoptr (JaXmlNode) built = ja_ft_checksum_build (checksum->creator,
          checksum->name, checksum->file);
      g_autoptr (JaFtChecksum) again = ja_ft_checksum_parse (built, NULL);
      const JaFtFile *f = checksum->file;

      /* Hashes of unknown algorithms are not built back: only a checksum
       * with a known one must parse again. */
      g_assert (again != NULL || (f->hashes.n == 0 && f->hash_used == 0
              && f->range.hashes.n == 0));
      check_file (checksum->file);
    }
    g_clear_error (&error);

    if (ja_ft_received_parse (node, &creator, &name, &error)) {
      g_autoptr (JaXmlNode) built = ja_ft_received_build (creator, name);
      g_autofree char *name2 = NULL;
      JaFtCreator creator2;

      g_assert (error == NULL);
      g_assert (ja_ft_received_parse (built, &creator2, &name2, NULL));
      g_assert (creator2 == creator && g_strcmp0 (name, name2) == 0);
    }
  }
  for (guint i = 0; i < ja_xml_node_get_n_children (node); i++)
    try_node (ja_xml_node_get_child (node, i));
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static gboolean once;
  g_autoptr (JaXmlNode) root = NULL;
  g_autofree char *text = NULL;

  if (!once) {      /* a peer must never reach g_warning/g_critical */
    g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
    once = TRUE;
  }

  text = g_strndup ((const char *) data, size);
  check_name (text);

  root = ja_xml_node_parse ((const char *) data, size, NULL);
  if (root != NULL)
    try_node (root);
  return 0;
}

/* xml-node.h — an XML element tree as the XMPP layers see it: each element
 * has a local name, a namespace URI, attributes (plain names; xml:lang is
 * spelled "xml:lang") and its character data concatenated into one text.
 * Mixed content keeps the text but not its position between children, which
 * XMPP never relies on. A node owns its attributes, text and children.
 *
 * Names: an attribute in a namespace other than the XML one is stored as
 * "URI local" (the namespace URI, one space, the local name; the wire prefix
 * is dropped), e.g. "urn:xmpp:foo bar"; the writer gives it a prefix again.
 * An element in no namespace has ns NULL; the writer lets such an element
 * inherit the default namespace in scope, so xmlns='' is not round-tripped
 * (XMPP never uses it). The parser drops whitespace-only text of an element
 * that has children (RFC 6120 §11.7). To free a child, steal it first. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _JaXmlNode JaXmlNode;

/* The strings of a node (name, ns, prefix, attributes) may live inside the
 * node's own allocation: never g_free() one. Change ns and prefix with the
 * setters (assigning a g_strdup'd string to a NULL field also works) and
 * attributes with ja_xml_node_set_attr(); read everything directly. */
struct _JaXmlNode {
  char *name;           /* local name, never NULL */
  char *ns;             /* namespace URI, NULL when none */
  char *prefix;         /* the prefix it had on the wire (e.g. "stream"), or NULL */
  GPtrArray *attrs;     /* char* pairs: name, value, name, value… (owned) */
  GString *text;        /* concatenated character data, NULL when none */
  GPtrArray *children;  /* JaXmlNode* (owned), NULL when none */
  JaXmlNode *parent;    /* unowned */
};

JaXmlNode *ja_xml_node_new (const char *name, const char *ns);
void ja_xml_node_free (JaXmlNode *node);
JaXmlNode *ja_xml_node_copy (const JaXmlNode *node);

/* Replace the namespace or the wire prefix (NULL: none). */
void ja_xml_node_set_ns (JaXmlNode *node, const char *ns);
void ja_xml_node_set_prefix (JaXmlNode *node, const char *prefix);

/* Attributes. set replaces an existing value; a NULL value removes it. */
const char *ja_xml_node_get_attr (const JaXmlNode *node, const char *name);
void ja_xml_node_set_attr (JaXmlNode *node, const char *name, const char *value);
void ja_xml_node_set_attr_printf (JaXmlNode *node, const char *name,
    const char *format, ...) G_GNUC_PRINTF (3, 4);
guint ja_xml_node_get_n_attrs (const JaXmlNode *node);

/* Text: get returns "" (never NULL) when there is none. */
const char *ja_xml_node_get_text (const JaXmlNode *node);
void ja_xml_node_set_text (JaXmlNode *node, const char *text);
void ja_xml_node_append_text (JaXmlNode *node, const char *text, gssize len);

/* Children. ns NULL matches any namespace. add takes ownership and returns
 * the child; add_new creates one (its ns NULL means: inherit the parent's). */
JaXmlNode *ja_xml_node_add_child (JaXmlNode *node, JaXmlNode *child);
JaXmlNode *ja_xml_node_add_new (JaXmlNode *node, const char *name, const char *ns);
JaXmlNode *ja_xml_node_find (const JaXmlNode *node, const char *name, const char *ns);
/* The first child with namespace ns, whatever its name (NULL: first child). */
JaXmlNode *ja_xml_node_find_ns (const JaXmlNode *node, const char *ns);
guint ja_xml_node_get_n_children (const JaXmlNode *node);
JaXmlNode *ja_xml_node_get_child (const JaXmlNode *node, guint i);
/* Removes and returns a child (transfer full), or NULL when not found. */
JaXmlNode *ja_xml_node_steal_child (JaXmlNode *node, JaXmlNode *child);
gboolean ja_xml_node_is (const JaXmlNode *node, const char *name, const char *ns);

/* An attribute value that is a decimal in [min, max]: ASCII digits only
 * (no sign, no space), at most 20 of them, no overflow. FALSE otherwise
 * (text NULL included). */
gboolean ja_xml_parse_decimal (const char *text, guint64 min, guint64 max,
    guint64 *out);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (JaXmlNode, ja_xml_node_free)

G_END_DECLS

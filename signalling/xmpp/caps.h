/* caps.h — XEP-0115 entity capabilities: the verification string (§5.1)
 * and its base64 SHA-1 hash, from identities, features and extended
 * service-discovery forms (XEP-0128). Pure. */
#pragma once

#include <glib.h>
#include "signalling/xml/xml-node.h"

G_BEGIN_DECLS

typedef struct {
  const char *category;
  const char *type;
  const char *lang;   /* NULL when none */
  const char *name;   /* NULL when none */
} JaCapsIdentity;

/* Build the S string of XEP-0115 §5.1 (transfer full). forms: jabber:x:data
 * <x type='result'/> nodes (may be NULL / empty). Forms without a hidden
 * FORM_TYPE are ignored; NULL when the input is ill-formed per §5.4
 * (duplicate identity, feature or FORM_TYPE; FORM_TYPE values that differ). */
char *ja_caps_verification_string (const JaCapsIdentity *identities,
    guint n_identities, const char *const *features, guint n_features,
    const JaXmlNode *const *forms, guint n_forms);

/* base64 (SHA-1 (S)) (transfer full); NULL when ill-formed, as above. */
char *ja_caps_hash_sha1 (const JaCapsIdentity *identities, guint n_identities,
    const char *const *features, guint n_features,
    const JaXmlNode *const *forms, guint n_forms);

/* The same from a disco#info <query/> node (identities, features, forms);
 * NULL when ill-formed, or when an identity lacks category or type or a
 * feature lacks var. */
char *ja_caps_hash_from_disco_info (const JaXmlNode *query);

G_END_DECLS

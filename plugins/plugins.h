/* plugins.h — every Jingle extension the agent ships, in one call. */
#pragma once

#include "signalling/jingle/jingle-registry.h"

G_BEGIN_DECLS

/* Registers each application and transport kind of plugins/. */
void ja_plugins_register_all (JaJingleRegistry *registry);

G_END_DECLS

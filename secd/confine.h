/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vmhost-secd's AppArmor confinement of a guest: decide from its definition, write and load its profile. */
#ifndef VMHOST_SECD_CONFINE_H
#define VMHOST_SECD_CONFINE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "secd/profile.h"

struct domain_def;

/* The files of a definition, as its profile sees them (files has room
 * for AA_FILES_MAX). 0 or -E2BIG. */
int confine_guest_files(const struct domain_def *d, struct aa_file *files,
    size_t *n);
/* ROOT/etc/vmhost/apparmor/TEMPLATE when present, else the shipped one. */
void confine_template_path(char *buf, size_t len);

/*
 * Should guest uuid run in its profile? Parses domain_xml (may be empty
 * when AppArmor is not active); its uuid must be uuid. A <seclabel> that
 * asks for model apparmor while it is not active is refused; type none
 * opts out. *d gets the parsed definition (or NULL), *confine the
 * decision. 0 or -errno, err set.
 */
int confine_decide(const char *uuid, const char *domain_xml, bool aa_active,
    struct domain_def **d, bool *confine, char *err, size_t errlen);

/* As root with AppArmor active: ROOT/etc/apparmor.d/vmhost owned by
 * owner, for the profiles secd writes. */
void confine_setup_dir(uid_t owner, gid_t group);

/*
 * Write the guest's profile ROOT/etc/apparmor.d/vmhost/vmhost-UUID (kept
 * when it exists: the administrator's) and its .files rules (always), and
 * start apparmor_parser -r on it with CAP_MAC_ADMIN; done(arg, status)
 * gets its waitpid status when secd reaps it (secd_watch_child). name gets the profile name.
 * 0 or -errno, err set (done is not called then).
 */
int confine_load(const struct domain_def *d, const char *uuid, char *name,
    size_t namelen, void (*done)(void *arg, int status), void *arg,
    char *err, size_t errlen);

#endif

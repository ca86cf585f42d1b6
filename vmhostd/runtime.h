/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A running guest's files: /run/vmhost/qemu/UUID/{qmp.sock,serial.sock,state}, its log. */
#ifndef VMHOSTD_RUNTIME_H
#define VMHOSTD_RUNTIME_H

#include <stddef.h>
#include <stdint.h>

struct runtime_state {
	char uuid[37];
	char name[128];
	int pid;
	uint64_t start_time;	/* /proc/PID/stat field 22: guards pid reuse */
	int id;
	int paused;
};

int runtime_path(char *buf, size_t len, const char *uuid, const char *file);
int runtime_make(const char *uuid);
int runtime_listen(const char *uuid, const char *file);
int runtime_connect(const char *uuid, const char *file);
int runtime_log_open(const char *name);
void runtime_log_tail(const char *name, char *buf, size_t len);
int runtime_state_write(const struct runtime_state *st);
int runtime_state_read(const char *uuid, struct runtime_state *st);
/* Remove temp files of interrupted state writes from the run folder. */
void runtime_clean_temps(const char *uuid);
void runtime_remove(const char *uuid);
int runtime_proc_start_time(int pid, uint64_t *out);

#endif

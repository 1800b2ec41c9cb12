/* secret-file.h: read a password from a file the user named, never from the command line. */
#ifndef SENDFIX_SECRET_FILE_H
#define SENDFIX_SECRET_FILE_H

/* The longest secret taken, in bytes. */
#define SECRET_FILE_MAX		4096

/*
 * Reads the secret held in path (hostile-cases row 34): never through a symbolic link, only
 * a regular file owned by the effective user, at most SECRET_FILE_MAX bytes. The line
 * endings most editors add at the end ("\n", "\r\n") are not part of the secret.
 *
 * Returns 0 with *secret (free with secret_free) and *warning (caller frees and shows it;
 * NULL when there is nothing to say: today only "other users can read the file"), or -1
 * with *cause (caller frees). Nothing is printed; the path is quoted as given, so callers
 * sanitise what they show. No copy of the secret is left behind on the stack.
 */
int	 secret_file_read(const char *path, char **secret, char **warning, char **cause);

#endif

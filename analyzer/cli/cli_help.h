/* `whyhung COMMAND --help`: one short text per command, apart from the
 * general usage in cli.c. */
#ifndef WHYHUNG_CLI_HELP_H
#define WHYHUNG_CLI_HELP_H

/* The help of the command named NAME ("report", "bt", ...), or NULL. */
const char *wh_cli_command_help(const char *name);

#endif

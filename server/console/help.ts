// \? in the console: the meta-commands it runs, in the layout of psql's own \? (the rest of psql's are
// not available here, and say so when typed).
export const HELP = `The lab's psql console runs SQL and these meta-commands.

General
  \\q                     quit this console (Ctrl+D on an empty line does too)
  \\watch [[i=]SEC]       run the query buffer again every SEC seconds (default 2)
                         until Ctrl+C
  \\? [commands]          show this list

Query Buffer
  \\g                     run the query buffer (or the previous query)
  \\gx                    as \\g, showing the result in expanded mode
  \\p                     show the query buffer
  \\r                     empty the query buffer

Informational
  (options: S = show system objects, x = expanded, + = additional detail)
  \\d[S+]                 list tables, views and sequences
  \\d[S+]  NAME           describe a table, view, sequence or index
  \\di[Sx+] [PATTERN]     list indexes
  \\dm[Sx+] [PATTERN]     list materialized views
  \\dRp[x+] [PATTERN]     list publications
  \\dRs[x+] [PATTERN]     list subscriptions
  \\ds[Sx+] [PATTERN]     list sequences
  \\dt[Sx+] [PATTERN]     list tables
  \\dv[Sx+] [PATTERN]     list views
  \\dE[Sx+] [PATTERN]     list foreign tables

Formatting
  \\x [on|off]            toggle expanded output

Input/Output
  \\echo [STRING]         print STRING
  \\timing [on|off]       toggle timing of commands

Connection
  \\c[onnect] [NODE]      connect to another node of the lab (master, slave1, slave2,
                         slave3), or again to this one

Keys: Up and Down recall earlier lines, Ctrl+C cancels a running query or \\watch
(or empties the line), Ctrl+L clears the screen.
`;

/** A rule of the docs contract that a file breaks. */
export interface Violation {
  /** The file, relative to the docs folder. */
  file: string;
  /** The frontmatter key concerned, when there is one. */
  field?: string;
  /** A stable kebab-case rule name, for filtering and tests. */
  rule: string;
  /** 1-based line in the file, when the problem has one. */
  line?: number;
  column?: number;
  /** What is wrong and what is allowed, in a sentence. */
  message: string;
}

/** One markdown file of the docs folder, with its frontmatter read and checked. */
export interface DocRecord {
  /** Path relative to the docs folder, with forward slashes. */
  path: string;
  id: string;
  /** The doc type the folder implies, or null when no type owns the folder. */
  type: string | null;
  title: string;
  status: string | null;
  owners: string[];
  created: string | null;
  updated: string | null;
  /** Raw `links:` entries from the frontmatter. */
  links: string[];
  frontmatter: Record<string, unknown>;
  body: string;
  /** Line of the source file where the body starts, for messages that point into the body. */
  bodyStartLine: number;
  violations: Violation[];
  /** Set when the file is larger than `docs.max_doc_bytes`: its body is empty and its page says why. */
  tooLarge?: { bytes: number; limit: number };
}

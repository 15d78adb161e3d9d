/**
 * Importing this module registers every protocol (fields + dissector tables). Each group of protocols has its
 * own registration module so that work on different layers does not collide.
 */
import './frame.js';
import './link.js';
import './transport.js';

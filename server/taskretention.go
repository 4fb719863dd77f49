package server

import "container/list"

// DefaultTaskRetentionPerUser is how many finished tasks of one user each
// API keeps unless Config.TaskRetentionPerUser says otherwise.
const DefaultTaskRetentionPerUser = 1000

// retainPolicy is how many finished tasks an API keeps: in all (total)
// and of one user (perUser); 0 keeps all.
type retainPolicy struct {
	total, perUser int
}

// keptTasks remembers finished tasks in finishing order, overall and per
// user, and says which to forget: a user over perUser loses that user's
// oldest first, so one busy user cannot evict another's task seconds after
// it ended; past total the oldest of all goes.
type keptTasks struct {
	policy retainPolicy
	order  *list.List // of *keptTask, oldest first
	byUser map[string]*list.List
}

type keptTask struct {
	id, user     string
	inAll, inUsr *list.Element
}

func newKeptTasks(p retainPolicy) keptTasks {
	return keptTasks{policy: p, order: list.New(), byUser: map[string]*list.List{}}
}

// finished records task id of user and returns the ids to forget.
func (k *keptTasks) finished(id, user string) []string {
	t := &keptTask{id: id, user: user}
	t.inAll = k.order.PushBack(t)
	ul := k.byUser[user]
	if ul == nil {
		ul = list.New()
		k.byUser[user] = ul
	}
	t.inUsr = ul.PushBack(t)
	var out []string
	if k.policy.perUser > 0 && ul.Len() > k.policy.perUser {
		out = append(out, k.evict(ul.Front().Value.(*keptTask)))
	}
	for k.policy.total > 0 && k.order.Len() > k.policy.total {
		out = append(out, k.evict(k.order.Front().Value.(*keptTask)))
	}
	return out
}

func (k *keptTasks) evict(t *keptTask) string {
	k.order.Remove(t.inAll)
	ul := k.byUser[t.user]
	ul.Remove(t.inUsr)
	if ul.Len() == 0 {
		delete(k.byUser, t.user)
	}
	return t.id
}
